import Type, { type Static } from 'typebox'
import { MAX_SAFE_SECONDS, SCOPE_PATTERN } from './grammar.js'

// Personal access tokens (PipesHub's `/api/v1/personal-access-tokens`): bearer tokens an end-user
// creates for scripts and tools, carrying a subset of the scopes of the token they were created with.
// The value is shown once, in the creation answer; the server keeps only its hash.

/** The prefix of every personal access token value, so secret scanners and people can tell one apart. */
export const PERSONAL_ACCESS_TOKEN_PREFIX = 'phpat_'

/** A token value: the prefix and 32 random bytes, base64url (256 bits). */
export const PERSONAL_ACCESS_TOKEN_PATTERN = '^phpat_[A-Za-z0-9_-]{43}$'

/** The `token_type_hint` (RFC 7009 §2.1, RFC 7662 §2.1) and introspected `token_type` of one. */
export const PERSONAL_ACCESS_TOKEN_TYPE = 'personal_access_token'

/** The longest `expires_in` a creation request may ask for: one year. */
export const MAX_PERSONAL_ACCESS_TOKEN_LIFETIME = 365 * 86_400

/** 1 to 100 printable ASCII characters, no space first or last (it is shown in lists and logs). */
const NAME_PATTERN = '^[\\x21-\\x7E](?:[\\x20-\\x7E]{0,98}[\\x21-\\x7E])?$'

const TokenName = (description: string) =>
  Type.String({ pattern: NAME_PATTERN, description, examples: ['CI deploy'] })

/** A creation request, camelCase. */
export interface PersonalAccessTokenCreateRequest {
  /** What the token is for, as its owner will recognise it in the list. */
  name: string
  /** The scopes of the token (RFC 6749 §3.3), at most those of the access token creating it. */
  scope: string
  /** Lifetime in seconds, 60 up to a year; the server's default (30 days) when absent. */
  expiresIn?: number | undefined
}

export const PersonalAccessTokenCreateRequestWire = Type.Object(
  {
    name: TokenName('What the token is for (1-100 printable ASCII characters, no space first or last).'),
    scope: Type.String({
      pattern: SCOPE_PATTERN,
      description:
        'Space-delimited scopes (RFC 6749 §3.3); each must be held by the access token that creates it.',
      examples: ['kb:read conversation:chat'],
    }),
    expires_in: Type.Optional(
      Type.Integer({
        minimum: 60,
        maximum: MAX_PERSONAL_ACCESS_TOKEN_LIFETIME,
        description: 'Lifetime in seconds (60 to 31536000); the server default, 30 days, when absent.',
        examples: [2_592_000],
      }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/personal-access-token-create-request.schema.json',
    title: 'PersonalAccessTokenCreateRequest',
    description:
      'Creates a personal access token for the end-user of the Bearer access token. Unknown members are ignored.',
  },
)
export type PersonalAccessTokenCreateRequestWire = Static<typeof PersonalAccessTokenCreateRequestWire>

/** A personal access token as its owner sees it in a list: never its value. */
export interface PersonalAccessToken {
  /** The token's identifier (a UUID), for revocation. */
  id: string
  name: string
  scope: string
  /** Seconds since the epoch. */
  createdAt: number
  expiresAt: number
}

const personalAccessTokenMembers = {
  id: Type.String({
    format: 'uuid',
    description: 'The identifier of the token (not its value), for revocation.',
  }),
  name: TokenName('What the token is for.'),
  scope: Type.String({ pattern: SCOPE_PATTERN, description: 'The scopes of the token (RFC 6749 §3.3).' }),
  created_at: Type.Integer({
    minimum: 0,
    maximum: MAX_SAFE_SECONDS,
    description: 'When it was created, seconds since the epoch.',
  }),
  expires_at: Type.Integer({
    minimum: 0,
    maximum: MAX_SAFE_SECONDS,
    description: 'When it stops being active, seconds since the epoch.',
  }),
}

export const PersonalAccessTokenWire = Type.Object(personalAccessTokenMembers, {
  $id: 'https://schemas.pipeshub.com/oauth/personal-access-token.schema.json',
  title: 'PersonalAccessToken',
  description:
    'A live personal access token of the end-user, without its value. Unknown members are allowed and ignored.',
})
export type PersonalAccessTokenWire = Static<typeof PersonalAccessTokenWire>

/** The answer to a creation: the token's description and, this once, its value. */
export interface CreatedPersonalAccessToken extends PersonalAccessToken {
  /** The token value (`phpat_...`); the server cannot show it again. */
  token: string
}

export const CreatedPersonalAccessTokenWire = Type.Object(
  {
    ...personalAccessTokenMembers,
    token: Type.String({
      pattern: PERSONAL_ACCESS_TOKEN_PATTERN,
      description: 'The token value, shown once: the server keeps only its hash. Send it as a Bearer token.',
    }),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/created-personal-access-token.schema.json',
    title: 'CreatedPersonalAccessToken',
    description: 'A personal access token just created, with its value (201 Created).',
  },
)
export type CreatedPersonalAccessTokenWire = Static<typeof CreatedPersonalAccessTokenWire>

/** The end-user's live personal access tokens, oldest first. */
export interface PersonalAccessTokenList {
  personalAccessTokens: PersonalAccessToken[]
}

export const PersonalAccessTokenListWire = Type.Object(
  {
    personal_access_tokens: Type.Array(PersonalAccessTokenWire, {
      description: 'The live (unexpired, unrevoked) tokens, oldest first.',
    }),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/personal-access-token-list.schema.json',
    title: 'PersonalAccessTokenList',
    description: "The end-user's live personal access tokens, without their values.",
  },
)
export type PersonalAccessTokenListWire = Static<typeof PersonalAccessTokenListWire>
