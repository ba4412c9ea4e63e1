import type { StandardClaims, StandardClaimsWire } from '../standard-claims.js'

/** Copies the standard claims present in `wire` onto `model`. */
export function standardClaimsToModel(wire: StandardClaimsWire, model: StandardClaims): void {
  if (wire.name !== undefined) model.name = wire.name
  if (wire.given_name !== undefined) model.givenName = wire.given_name
  if (wire.family_name !== undefined) model.familyName = wire.family_name
  if (wire.middle_name !== undefined) model.middleName = wire.middle_name
  if (wire.nickname !== undefined) model.nickname = wire.nickname
  if (wire.preferred_username !== undefined) model.preferredUsername = wire.preferred_username
  if (wire.profile !== undefined) model.profile = wire.profile
  if (wire.picture !== undefined) model.picture = wire.picture
  if (wire.website !== undefined) model.website = wire.website
  if (wire.email !== undefined) model.email = wire.email
  if (wire.email_verified !== undefined) model.emailVerified = wire.email_verified
  if (wire.gender !== undefined) model.gender = wire.gender
  if (wire.birthdate !== undefined) model.birthdate = wire.birthdate
  if (wire.zoneinfo !== undefined) model.zoneinfo = wire.zoneinfo
  if (wire.locale !== undefined) model.locale = wire.locale
  if (wire.phone_number !== undefined) model.phoneNumber = wire.phone_number
  if (wire.phone_number_verified !== undefined) model.phoneNumberVerified = wire.phone_number_verified
  if (wire.updated_at !== undefined) model.updatedAt = wire.updated_at
}

/** Copies the standard claims present in `model` onto `wire`. */
export function standardClaimsToWire(model: StandardClaims, wire: StandardClaimsWire): void {
  if (model.name !== undefined) wire.name = model.name
  if (model.givenName !== undefined) wire.given_name = model.givenName
  if (model.familyName !== undefined) wire.family_name = model.familyName
  if (model.middleName !== undefined) wire.middle_name = model.middleName
  if (model.nickname !== undefined) wire.nickname = model.nickname
  if (model.preferredUsername !== undefined) wire.preferred_username = model.preferredUsername
  if (model.profile !== undefined) wire.profile = model.profile
  if (model.picture !== undefined) wire.picture = model.picture
  if (model.website !== undefined) wire.website = model.website
  if (model.email !== undefined) wire.email = model.email
  if (model.emailVerified !== undefined) wire.email_verified = model.emailVerified
  if (model.gender !== undefined) wire.gender = model.gender
  if (model.birthdate !== undefined) wire.birthdate = model.birthdate
  if (model.zoneinfo !== undefined) wire.zoneinfo = model.zoneinfo
  if (model.locale !== undefined) wire.locale = model.locale
  if (model.phoneNumber !== undefined) wire.phone_number = model.phoneNumber
  if (model.phoneNumberVerified !== undefined) wire.phone_number_verified = model.phoneNumberVerified
  if (model.updatedAt !== undefined) wire.updated_at = model.updatedAt
}
