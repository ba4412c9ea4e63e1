import Type, { type Static } from 'typebox'
import { MAX_SAFE_SECONDS, SCOPE_PATTERN } from './grammar.js'
import { NonEmptyString } from './jwt-claims.js'

// The apps an end-user allowed (`/api/v1/oauth2/consents`): what the consent page promised they can
// take back. Revoking one deletes the consent and every live token of that user at that app.

/** An app the end-user allowed, as they recognise it, and what they allowed it. */
export interface ConsentedApp {
  /** The app's `client_id`, for revocation. */
  clientId: string
  /** The app's name as it is now. */
  clientName: string
  logoUrl?: string | undefined
  homepageUrl?: string | undefined
  /** The scopes the user allowed it, space-delimited (RFC 6749 §3.3). */
  scope: string
  /** RFC 8707: the resources the user allowed it tokens for; absent: this server's own audience only. */
  resources?: string[] | undefined
  /** When the user last allowed it, seconds since the epoch. */
  grantedAt: number
}

export const ConsentedAppWire = Type.Object(
  {
    client_id: NonEmptyString('The client_id of the app, for revocation.'),
    client_name: Type.String({ minLength: 1, description: 'The name of the app, as it is now.' }),
    logo_url: Type.Optional(Type.String({ format: 'uri', description: "URL of the app's logo." })),
    homepage_url: Type.Optional(Type.String({ format: 'uri', description: "URL of the app's home page." })),
    scope: Type.String({
      pattern: SCOPE_PATTERN,
      description: 'The scopes the end-user allowed the app, space-delimited (RFC 6749 §3.3).',
    }),
    resources: Type.Optional(
      Type.Array(Type.String({ format: 'uri' }), {
        description:
          'RFC 8707: the resource indicators the end-user allowed the app tokens for; absent when none (the default audience only).',
      }),
    ),
    granted_at: Type.Integer({
      minimum: 0,
      maximum: MAX_SAFE_SECONDS,
      description: 'When the end-user last allowed it, seconds since the epoch.',
    }),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/consented-app.schema.json',
    title: 'ConsentedApp',
    description: 'An app the end-user allowed. Unknown members are allowed and ignored.',
  },
)
export type ConsentedAppWire = Static<typeof ConsentedAppWire>

/** The apps the end-user allowed, oldest consent first. */
export interface ConsentedAppList {
  consents: ConsentedApp[]
}

export const ConsentedAppListWire = Type.Object(
  {
    consents: Type.Array(ConsentedAppWire, {
      description: 'The apps the end-user allowed that still exist, oldest consent first.',
    }),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/consented-app-list.schema.json',
    title: 'ConsentedAppList',
    description: 'The apps the end-user allowed, with what each was allowed.',
  },
)
export type ConsentedAppListWire = Static<typeof ConsentedAppListWire>
