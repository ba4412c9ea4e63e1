import Type, { type Static } from 'typebox'
import { VSCHAR_PATTERN } from './grammar.js'

// OpenID Connect RP-Initiated Logout 1.0 §2: the relying party sends the browser to the OP's
// end_session_endpoint with these query parameters (GET) or form parameters (POST). Every member is
// optional on the wire; the OP decides what it needs (a post_logout_redirect_uri needs the client
// identified, by id_token_hint or client_id, §3).

/** OpenID Connect RP-Initiated Logout 1.0 §2: a logout request, camelCase. */
export interface EndSessionRequest {
  /** An ID token the OP issued to the relying party, identifying the session and the client. */
  idTokenHint?: string | undefined
  /** A hint about the user being logged out (e.g. an email address). */
  logoutHint?: string | undefined
  /** The client identifier, needed with `postLogoutRedirectUri` when no `idTokenHint` is sent. */
  clientId?: string | undefined
  /** Where the OP redirects the browser after logout; must be registered for the client. */
  postLogoutRedirectUri?: string | undefined
  /** Opaque value the OP passes back to `postLogoutRedirectUri`. */
  state?: string | undefined
  /** Preferred languages of the logout pages, space-separated BCP 47 tags. */
  uiLocales?: string | undefined
}

const text = (description: string) => Type.Optional(Type.String({ pattern: VSCHAR_PATTERN, description }))

export const EndSessionRequestWire = Type.Object(
  {
    id_token_hint: text('An ID token previously issued to the client, passed as a hint of the session.'),
    logout_hint: text('A hint to the OP about the end-user that is logging out.'),
    client_id: text('The OAuth 2.0 client identifier of the relying party.'),
    post_logout_redirect_uri: Type.Optional(
      Type.String({
        format: 'uri',
        pattern: '^[^#]*$',
        description: 'A registered post-logout redirect URI of the client; absolute, no fragment.',
      }),
    ),
    state: text('Opaque value passed back to the post_logout_redirect_uri.'),
    ui_locales: text('Preferred languages of the user interface, space-separated BCP 47 tags.'),
  },
  {
    $id: 'https://schemas.pipeshub.com/oauth/end-session-request.schema.json',
    title: 'EndSessionRequest',
    description: 'Logout request (OpenID Connect RP-Initiated Logout 1.0 §2).',
  },
)
export type EndSessionRequestWire = Static<typeof EndSessionRequestWire>
