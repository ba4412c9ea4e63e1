import Type from 'typebox'
import { NumericDate } from './jwt-claims.js'

// OpenID Connect Core §5.1 standard claims, shared by the UserInfo response and the ID token
// (granted by the `profile`, `email` and `phone` scopes). `address` is not modelled yet; as an
// unknown member it is allowed and ignored.

/** The OIDC Core §5.1 standard claims about the End-User, camelCase. */
export interface StandardClaims {
  /** Full name in displayable form. */
  name?: string | undefined
  /** Given name(s) or first name(s). */
  givenName?: string | undefined
  /** Surname(s) or last name(s). */
  familyName?: string | undefined
  /** Middle name(s). */
  middleName?: string | undefined
  /** Casual name. */
  nickname?: string | undefined
  /** Shorthand name by which the End-User wishes to be referred to. */
  preferredUsername?: string | undefined
  /** URL of the profile page. */
  profile?: string | undefined
  /** URL of the profile picture. */
  picture?: string | undefined
  /** URL of a web page or blog. */
  website?: string | undefined
  /** Preferred e-mail address (RFC 5322 addr-spec). */
  email?: string | undefined
  /** Whether the e-mail address was verified. */
  emailVerified?: boolean | undefined
  /** Gender: "female", "male" or another value. */
  gender?: string | undefined
  /** Birthday: YYYY-MM-DD, YYYY, or 0000-MM-DD when the year is withheld. */
  birthdate?: string | undefined
  /** Time zone from the IANA database, e.g. "Europe/Paris". */
  zoneinfo?: string | undefined
  /** Locale as a BCP 47 language tag, e.g. "en-US". */
  locale?: string | undefined
  /** Preferred telephone number, E.164 recommended. */
  phoneNumber?: string | undefined
  /** Whether the phone number was verified. */
  phoneNumberVerified?: boolean | undefined
  /** When the information was last updated, in seconds since the epoch. */
  updatedAt?: number | undefined
}

/** The wire members of the OIDC Core §5.1 standard claims, to spread into a claim set schema. */
export const standardClaimsProperties = () => ({
  name: Type.Optional(Type.String({ minLength: 1, description: 'Full name in displayable form.' })),
  given_name: Type.Optional(Type.String({ minLength: 1, description: 'Given name(s) or first name(s).' })),
  family_name: Type.Optional(Type.String({ minLength: 1, description: 'Surname(s) or last name(s).' })),
  middle_name: Type.Optional(Type.String({ minLength: 1, description: 'Middle name(s).' })),
  nickname: Type.Optional(Type.String({ minLength: 1, description: 'Casual name.' })),
  preferred_username: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Shorthand name by which the End-User wishes to be referred to.',
    }),
  ),
  profile: Type.Optional(Type.String({ format: 'uri', description: 'URL of the profile page.' })),
  picture: Type.Optional(Type.String({ format: 'uri', description: 'URL of the profile picture.' })),
  website: Type.Optional(Type.String({ format: 'uri', description: 'URL of a web page or blog.' })),
  email: Type.Optional(
    Type.String({ minLength: 1, description: 'Preferred e-mail address (RFC 5322 addr-spec).' }),
  ),
  email_verified: Type.Optional(Type.Boolean({ description: 'Whether the e-mail address was verified.' })),
  gender: Type.Optional(
    Type.String({ minLength: 1, description: 'Gender: "female", "male" or another value.' }),
  ),
  birthdate: Type.Optional(
    Type.String({
      pattern: '^(\\d{4}|\\d{4}-\\d{2}-\\d{2})$',
      description: 'Birthday: YYYY-MM-DD, YYYY, or 0000-MM-DD when the year is withheld.',
    }),
  ),
  zoneinfo: Type.Optional(
    Type.String({ minLength: 1, description: 'Time zone from the IANA database, e.g. "Europe/Paris".' }),
  ),
  locale: Type.Optional(
    Type.String({ minLength: 1, description: 'Locale as a BCP 47 language tag, e.g. "en-US".' }),
  ),
  phone_number: Type.Optional(
    Type.String({ minLength: 1, description: 'Preferred telephone number, E.164 recommended.' }),
  ),
  phone_number_verified: Type.Optional(
    Type.Boolean({ description: 'Whether the phone number was verified.' }),
  ),
  updated_at: Type.Optional(
    NumericDate('When the information was last updated, in seconds since the epoch.'),
  ),
})

/** The standard claims as they appear on the wire (snake_case). */
export interface StandardClaimsWire {
  name?: string
  given_name?: string
  family_name?: string
  middle_name?: string
  nickname?: string
  preferred_username?: string
  profile?: string
  picture?: string
  website?: string
  email?: string
  email_verified?: boolean
  gender?: string
  birthdate?: string
  zoneinfo?: string
  locale?: string
  phone_number?: string
  phone_number_verified?: boolean
  updated_at?: number
}

export { standardClaimsToModel, standardClaimsToWire } from './codecs/standard-claims.js'
