import Type, { type Static } from 'typebox'
import { VSCHAR_PATTERN } from './grammar.js'

/** RFC 7662 §2.1: a protected resource asking about the state of a token. */
export interface IntrospectionRequest {
  /** The string value of the token. */
  token: string
  /** A hint about the type of `token` (`access_token`, `refresh_token`); servers may ignore it. */
  tokenTypeHint?: string | undefined
}

export const IntrospectionRequestWire = Type.Object(
  {
    token: Type.String({ pattern: VSCHAR_PATTERN, description: 'The string value of the token.' }),
    token_type_hint: Type.Optional(
      Type.String({
        pattern: VSCHAR_PATTERN,
        description: 'A hint about the type of the token submitted for introspection (RFC 7662 §2.1).',
        examples: ['access_token'],
      }),
    ),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/introspection-request.schema.json',
    title: 'IntrospectionRequest',
    description: 'OAuth 2.0 token introspection request (RFC 7662 §2.1).',
  },
)
export type IntrospectionRequestWire = Static<typeof IntrospectionRequestWire>
