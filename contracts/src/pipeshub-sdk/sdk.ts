import Type, { type Static, type TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

// PipesHub's generated TypeScript SDK as it behaves on the wire (its last version with OAuth
// operations), written from `shared/PIPESHUB.md` ("PipesHub's generated SDK on the wire") and its
// `OAuthTokenResponse` model page. It is another team's code already in users' hands, so its shapes
// are written here as that SDK has them, not derived from @pipeshub/models: what it sends, what it
// parses (leniently: every member of the token response optional; userinfo's `user_id` required),
// and the errors it turns into exceptions. The `pipeshub-sdk` Pact consumer drives it.

const text = () => Type.Optional(Type.String())
const number = () => Type.Optional(Type.Number())

/** The SDK's token response model, on the wire: every member optional (its zod schema). */
export const SdkTokenResponse = Type.Object(
  {
    access_token: text(),
    token_type: text(),
    expires_in: number(),
    refresh_token: text(),
    scope: text(),
    id_token: text(),
  },
  { title: 'SdkOAuthTokenResponse' },
)

/** The SDK's error model for 400 and 401 answers of the token endpoint. */
export const SdkOAuthError = Type.Object(
  { error: Type.String(), error_description: text(), error_uri: text(), state: text() },
  { title: 'SdkOAuthErrorResponse' },
)

/** The SDK's introspection model: `aud` a string, `user_id` PipesHub's user id. */
export const SdkIntrospection = Type.Object(
  {
    active: Type.Boolean(),
    scope: text(),
    client_id: text(),
    username: text(),
    token_type: text(),
    exp: number(),
    iat: number(),
    nbf: number(),
    user_id: text(),
    aud: text(),
    iss: text(),
    jti: text(),
  },
  { title: 'SdkIntrospectionResponse' },
)

/** The SDK's userinfo model: `user_id` is required (without it the SDK fails the call). */
export const SdkUserInfo = Type.Object(
  {
    user_id: Type.String(),
    name: text(),
    given_name: text(),
    family_name: text(),
    email: text(),
    email_verified: Type.Optional(Type.Boolean()),
    picture: text(),
    updated_at: number(),
  },
  { title: 'SdkUserInfoResponse' },
)

/** What the SDK reads from `oauthAuthorizeConsent`'s 200 answer (PipesHub's frontend follows it). */
export const SdkAuthorizeConsentResponse = Type.Object(
  { redirectUrl: Type.String() },
  { title: 'SdkAuthorizeConsentResponse' },
)

/** The body of `oauthAuthorizeConsent`, as PipesHub's frontend posts it. */
export interface AuthorizeConsentBody {
  client_id: string
  redirect_uri: string
  scope: string
  state: string
  code_challenge?: string
  code_challenge_method?: string
  nonce?: string
  consent: 'granted' | 'denied'
}

/** A 2xx body the SDK's model refuses (it throws, so its caller gets nothing). */
export class SdkResponseValidationError extends Error {
  override readonly name = 'SdkResponseValidationError'
}

/** A 400 or 401 OAuth error the SDK parsed (its `OAuthErrorResponse`). */
export class SdkOAuthErrorResponse extends Error {
  override readonly name = 'SdkOAuthErrorResponse'
  readonly status: number
  readonly body: Static<typeof SdkOAuthError>
  constructor(status: number, body: Static<typeof SdkOAuthError>) {
    super(body.error_description === undefined ? body.error : `${body.error}: ${body.error_description}`)
    this.status = status
    this.body = body
  }
}

/** Any other non-2xx answer (the SDK's `SDKError`). */
export class SdkError extends Error {
  override readonly name = 'SdkError'
  readonly status: number
  constructor(status: number, body: string) {
    super(`API error occurred: status ${status}: ${body.slice(0, 200)}`)
    this.status = status
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

function parse<Schema extends TSchema>(schema: Schema, value: unknown): Static<Schema> {
  const validator = Compile(schema)
  if (!validator.Check(value)) {
    const issues = validator.Errors(value).map((error) => `${error.instancePath || '/'}: ${error.message}`)
    throw new SdkResponseValidationError(
      `${String((schema as { title?: string }).title)}: ${issues.join('; ')}`,
    )
  }
  return value as Static<Schema>
}

export interface TokenRequestBody {
  grant_type: 'authorization_code' | 'refresh_token' | 'client_credentials'
  code?: string
  redirect_uri?: string
  client_id?: string
  client_secret?: string
  refresh_token?: string
  scope?: string
  code_verifier?: string
}

export interface CredentialsBody {
  token: string
  token_type_hint?: string
  client_id: string
  client_secret?: string
}

/** The SDK's client: `serverURL` ends in `/api/v1`; every request carries `Accept: application/json`. */
export class PipesHubSdk {
  readonly #serverUrl: string
  readonly #fetch: Fetch

  constructor(options: { serverURL: string; fetch: Fetch }) {
    this.#serverUrl = options.serverURL.replace(/\/+$/, '')
    this.#fetch = options.fetch
  }

  #postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
    return this.#fetch(`${this.#serverUrl}${path}`, {
      method: 'POST',
      headers: { ...headers, Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
  }

  /** `oauthToken`: JSON body; `Authorization: Basic` only when the caller adds it. */
  async oauthToken(body: TokenRequestBody, options: { headers?: Record<string, string> } = {}) {
    const response = await this.#postJson('/oauth2/token', body, options.headers)
    if (response.status === 200) return parse(SdkTokenResponse, await response.json())
    if (response.status === 400 || response.status === 401) {
      throw new SdkOAuthErrorResponse(response.status, parse(SdkOAuthError, await response.json()))
    }
    throw new SdkError(response.status, await response.text())
  }

  /** `oauthRevoke`: JSON body with `client_id` (and `client_secret`); 200 with an empty body. */
  async oauthRevoke(body: CredentialsBody): Promise<void> {
    const response = await this.#postJson('/oauth2/revoke', body)
    if (response.status >= 400) throw new SdkError(response.status, await response.text())
  }

  /** `oauthIntrospect`: JSON body with `client_id` (and `client_secret`). */
  async oauthIntrospect(body: CredentialsBody) {
    const response = await this.#postJson('/oauth2/introspect', body)
    if (response.status >= 400) throw new SdkError(response.status, await response.text())
    return parse(SdkIntrospection, await response.json())
  }

  /** `oauthUserInfo`: the access token as Bearer. 401 and 403 are its declared errors. */
  async oauthUserInfo(accessToken: string) {
    const response = await this.#fetch(`${this.#serverUrl}/oauth2/userinfo`, {
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: `Bearer ${accessToken}` },
    })
    if (response.status !== 200) throw new SdkError(response.status, await response.text())
    return parse(SdkUserInfo, await response.json())
  }

  /**
   * `oauthAuthorizeConsent`: the frontend's consent decision, JSON, with the user's session as Bearer;
   * 200 JSON (where the browser goes next). 401 and 403 are its declared errors.
   */
  async oauthAuthorizeConsent(body: AuthorizeConsentBody, sessionToken: string) {
    const response = await this.#postJson('/oauth2/authorize', body, {
      Authorization: `Bearer ${sessionToken}`,
    })
    if (response.status !== 200) throw new SdkError(response.status, await response.text())
    return parse(SdkAuthorizeConsentResponse, await response.json())
  }

  /**
   * The SDK's client-credentials hook (also in its newest version): a form post with `client_id` and
   * `client_secret` in the body; the token it caches and sends as Bearer.
   */
  async clientCredentialsHook(credentials: { clientId: string; clientSecret: string; scope: string }) {
    const response = await this.#fetch(`${this.#serverUrl}/oauth2/token`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        scope: credentials.scope,
      }).toString(),
    })
    if (!response.ok) throw new SdkError(response.status, await response.text())
    const token = parse(SdkTokenResponse, await response.json())
    if (token.access_token === undefined) throw new SdkResponseValidationError('no access_token to cache')
    return token.access_token
  }
}
