import type { TokenRequestGrantType } from '@pipeshub/models'
import { authorizationCodeGrant } from './authorization-code.js'
import { clientCredentialsGrant } from './client-credentials.js'
import { deviceCodeGrant } from './device-code.js'
import type { Grant } from './grant.js'
import { refreshTokenGrant } from './refresh-token.js'

/**
 * Every grant the token endpoint serves, in the order discovery lists them. A grant's type must be one
 * of the wire vocabulary's (`TOKEN_REQUEST_GRANT_TYPES` of @pipeshub/models); adding a grant is adding
 * its module here.
 */
const GRANTS = [
  authorizationCodeGrant,
  clientCredentialsGrant,
  refreshTokenGrant,
  deviceCodeGrant,
] as const satisfies readonly Grant<TokenRequestGrantType>[]

/** A grant type this server supports (what a client may register, what the store keeps). */
export type GrantType = (typeof GRANTS)[number]['type']

/** The supported grant types: `grant_types_supported`, and what client registration accepts. */
export const GRANT_TYPES: readonly GrantType[] = GRANTS.map((grant) => grant.type)

const BY_TYPE: ReadonlyMap<string, Grant<GrantType>> = new Map(GRANTS.map((grant) => [grant.type, grant]))

/** `true` when `type` names a supported grant. */
export function isGrantType(type: string): type is GrantType {
  return BY_TYPE.has(type)
}

/** The grant of a `grant_type` value, or `undefined` for one this server does not support. */
export function grantFor(type: string): Grant<GrantType> | undefined {
  return BY_TYPE.get(type)
}

/** Every grant, in `GRANT_TYPES` order. */
export function allGrants(): readonly Grant<GrantType>[] {
  return GRANTS
}
