import type { StandardClaims, StandardClaimsWire } from '../standard-claims.js'
import { type CamelCase, renamedMembers } from './renamed-members.js'

const STANDARD_CLAIMS = [
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'email',
  'email_verified',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'updated_at',
] as const satisfies readonly (keyof StandardClaimsWire)[]

// Every claim is named in the model as CamelCase names it (a round trip proves none is missing).
const modelNamesExist: readonly (keyof StandardClaims)[] = [] as CamelCase<(typeof STANDARD_CLAIMS)[number]>[]
void modelNamesExist

const standardClaims = renamedMembers(STANDARD_CLAIMS)

/** Copies the standard claims present in `wire` onto `model`. */
export function standardClaimsToModel(wire: StandardClaimsWire, model: StandardClaims): void {
  standardClaims.toModel(wire, model)
}

/** Copies the standard claims present in `model` onto `wire`. */
export function standardClaimsToWire(model: StandardClaims, wire: StandardClaimsWire): void {
  standardClaims.toWire(model, wire)
}
