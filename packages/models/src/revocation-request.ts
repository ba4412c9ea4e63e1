import Type, { type Static } from 'typebox'
import { VSCHAR_PATTERN } from './grammar.js'

/** RFC 7009 §2.1: a request to revoke an access or refresh token. */
export interface RevocationRequest {
  /** The token the client wants revoked. */
  token: string
  /** A hint about the type of `token` (`access_token`, `refresh_token`); servers may ignore it. */
  tokenTypeHint?: string | undefined
}

export const RevocationRequestWire = Type.Object(
  {
    token: Type.String({ pattern: VSCHAR_PATTERN, description: 'The token that the client wants revoked.' }),
    token_type_hint: Type.Optional(
      Type.String({
        pattern: VSCHAR_PATTERN,
        description:
          'A hint about the type of the token: "access_token" or "refresh_token" (RFC 7009 §2.1); an unknown value is not an error.',
        examples: ['refresh_token'],
      }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/revocation-request.schema.json',
    title: 'RevocationRequest',
    description: 'OAuth 2.0 token revocation request (RFC 7009 §2.1).',
  },
)
export type RevocationRequestWire = Static<typeof RevocationRequestWire>
