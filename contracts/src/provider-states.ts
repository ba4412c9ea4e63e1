import Type, { type Static, type TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

/**
 * Provider states: the names both sides of the contract use, and the parameters each carries.
 *
 * The consumer writes `given(STATES.x, params)`; the provider's state endpoint receives
 * `{ state, params, action }`, creates what the state describes through the store, and answers the
 * values it generated (a code, a refresh token, an access token) under the names in `INJECTED`, which
 * the verifier substitutes into the request where the consumer used `fromProviderState`.
 * States that name a client come after `confidentialClientExists` for the same `clientId`.
 */
export const STATES = {
  /** A confidential client, authenticating with `client_secret_basic`, registered with these values. */
  confidentialClientExists: 'a confidential client exists',
  /** A confidential client authenticating with `private_key_jwt` (RFC 7523 §2.2): its public keys, no secret. */
  privateKeyJwtClientExists: 'a client authenticating with private_key_jwt exists',
  /** The client holds an unredeemed authorization code, bound to a PKCE S256 challenge of `codeVerifier`. */
  authorizationCodeIssued: 'an authorization code was issued to the client',
  /** The client's authorization code was already exchanged once (RFC 6749 §4.1.2: single use). */
  authorizationCodeRedeemed: 'an authorization code was already redeemed',
  /** The client holds an active refresh token for a user, with `scope` granted. */
  refreshTokenIssued: 'a refresh token was issued to the client',
  /** The client's refresh token was already used, so it was rotated out and revoked. */
  refreshTokenRotated: 'a refresh token was already rotated',
  /** The client holds an active access token, with `scope` granted. */
  accessTokenIssued: 'an access token was issued to the client',
  /** RFC 8628: the client's device authorization for `scope` waits for the end-user (polls are pending). */
  deviceAuthorizationPending: 'a device authorization is pending for the client',
  /** RFC 8628: the end-user approved the client's device authorization for `scope`; its interval passed. */
  deviceAuthorizationApproved: 'a device authorization was approved for the client',
  /** The user holds a personal access token, created with an access token of the client carrying `scope`. */
  personalAccessTokenIssued: 'a personal access token was issued to the user',
  /** The user allowed the client `scope` (a consent) and holds an access token of it carrying that scope. */
  consentGiven: 'the user allowed the client',
  /** An administrator (listed as one by the provider) holds an access token of the client with `scope`. */
  administratorTokenIssued: 'an administrator holds an access token',
  /** An OAuth app exists with these values, confidential or public. */
  oauthAppExists: 'an OAuth app exists',
  /** The user is signed in to PipesHub's frontend: an access token of its own client with openid. */
  frontendSessionIssued: 'the user is signed in to the frontend',
} as const

export type ProviderStateName = (typeof STATES)[keyof typeof STATES]

const text = (description: string) => Type.String({ minLength: 1, description })

/** Parameters of `STATES.confidentialClientExists`. */
export const ConfidentialClientParams = Type.Object({
  clientId: text('The client id to register.'),
  clientSecret: text('Its secret (client_secret_basic).'),
  scopes: Type.Array(text('A scope'), { description: 'The scopes the client may request.' }),
  redirectUris: Type.Array(text('A redirect URI'), { description: "The client's registered redirect URIs." }),
  grantTypes: Type.Array(text('A grant type'), { description: 'The grant types the client may use.' }),
  dpopBoundAccessTokens: Type.Optional(
    Type.Boolean({
      description: 'RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request must carry a DPoP proof.',
    }),
  ),
})
export type ConfidentialClientParams = Static<typeof ConfidentialClientParams>

/** Parameters of `STATES.privateKeyJwtClientExists`. */
export const PrivateKeyJwtClientParams = Type.Object({
  clientId: text('The client id to register.'),
  jwks: Type.Object(
    { keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1 }) },
    { description: "RFC 7591 `jwks`: the client's public keys, which its assertions verify with." },
  ),
  signingAlg: text('RFC 7591 `token_endpoint_auth_signing_alg`: the only algorithm its assertions may use.'),
  scopes: Type.Array(text('A scope'), { description: 'The scopes the client may request.' }),
  grantTypes: Type.Array(text('A grant type'), { description: 'The grant types the client may use.' }),
})
export type PrivateKeyJwtClientParams = Static<typeof PrivateKeyJwtClientParams>

/** Parameters of `STATES.authorizationCodeIssued` and `STATES.authorizationCodeRedeemed`. */
export const AuthorizationCodeParams = Type.Object({
  clientId: text('The client the code is issued to.'),
  subject: text('The resource owner who consented.'),
  scope: text('The granted scope, space-delimited (RFC 6749 §3.3).'),
  redirectUri: text('The redirect URI of the authorization request.'),
  codeVerifier: text('The PKCE verifier whose S256 challenge the code is bound to (RFC 7636 §4.2).'),
  nonce: text('The OpenID Connect nonce of the authorization request, echoed in the ID token.'),
  resource: Type.Optional(
    text('RFC 8707: the resource indicator of the authorization request (the resource the grant is for).'),
  ),
})
export type AuthorizationCodeParams = Static<typeof AuthorizationCodeParams>

/** Parameters of `STATES.refreshTokenIssued` and `STATES.refreshTokenRotated`. */
export const RefreshTokenParams = Type.Object({
  clientId: text('The client the refresh token is issued to.'),
  subject: text('The resource owner.'),
  scope: text(
    'The scope originally granted, space-delimited; needs offline_access. A refresh may only narrow it.',
  ),
  resource: Type.Optional(
    text('RFC 8707: the resource the grant is for; a refresh may name it (or a subset of the granted ones).'),
  ),
})
export type RefreshTokenParams = Static<typeof RefreshTokenParams>

/** Parameters of `STATES.accessTokenIssued`. */
export const AccessTokenParams = Type.Object({
  clientId: text('The client the access token is issued to.'),
  subject: text('The resource owner.'),
  scope: text('The granted scope, space-delimited.'),
})
export type AccessTokenParams = Static<typeof AccessTokenParams>

/** Parameters of `STATES.deviceAuthorizationPending` and `STATES.deviceAuthorizationApproved`. */
export const DeviceAuthorizationParams = Type.Object({
  clientId: text('The client the device authorization belongs to.'),
  subject: text('The end-user who approves it on the verification page.'),
  scope: text('The requested (and approved) scope, space-delimited.'),
})
export type DeviceAuthorizationParams = Static<typeof DeviceAuthorizationParams>

/** Parameters of `STATES.personalAccessTokenIssued`. */
export const PersonalAccessTokenParams = Type.Object({
  clientId: text('The client the creating access token is issued to.'),
  subject: text('The end-user who owns the token.'),
  scope: text('The scope of the creating access token, space-delimited; needs openid.'),
  name: text('The name of the personal access token.'),
  tokenScope: text('The scope of the personal access token: a subset of `scope`.'),
})
export type PersonalAccessTokenParams = Static<typeof PersonalAccessTokenParams>

/** Parameters of `STATES.oauthAppExists`. */
export const OAuthAppParams = Type.Object({
  appId: text('The client_id of the app.'),
  name: text('Its name.'),
  confidential: Type.Boolean({ description: 'Whether it has a secret (else a public client).' }),
  scopes: Type.Array(text('A scope'), { description: 'The scopes the app may request.' }),
  redirectUris: Type.Array(text('A redirect URI'), { description: "The app's redirect URIs." }),
})
export type OAuthAppParams = Static<typeof OAuthAppParams>

/** The parameter schema of every state, by name: the provider checks what the pact hands it. */
export const PROVIDER_STATE_PARAMS = {
  [STATES.confidentialClientExists]: ConfidentialClientParams,
  [STATES.privateKeyJwtClientExists]: PrivateKeyJwtClientParams,
  [STATES.authorizationCodeIssued]: AuthorizationCodeParams,
  [STATES.authorizationCodeRedeemed]: AuthorizationCodeParams,
  [STATES.refreshTokenIssued]: RefreshTokenParams,
  [STATES.refreshTokenRotated]: RefreshTokenParams,
  [STATES.accessTokenIssued]: AccessTokenParams,
  [STATES.deviceAuthorizationPending]: DeviceAuthorizationParams,
  [STATES.deviceAuthorizationApproved]: DeviceAuthorizationParams,
  [STATES.personalAccessTokenIssued]: PersonalAccessTokenParams,
  [STATES.consentGiven]: AccessTokenParams,
  [STATES.administratorTokenIssued]: AccessTokenParams,
  [STATES.oauthAppExists]: OAuthAppParams,
  [STATES.frontendSessionIssued]: Type.Object({ subject: text('The signed-in end-user.') }),
} as const

/** The parameters of every state, by name. */
export type ProviderStateParams = {
  [Name in keyof typeof PROVIDER_STATE_PARAMS]: Static<(typeof PROVIDER_STATE_PARAMS)[Name]>
}

/**
 * The parameters of `state`, checked against its schema; throws naming every bad member, so a state
 * the consumer and the provider describe differently fails its setup instead of half-succeeding.
 */
export function providerStateParams<Name extends ProviderStateName>(
  state: Name,
  params: unknown,
): ProviderStateParams[Name] {
  const validator = Compile(PROVIDER_STATE_PARAMS[state] as TSchema)
  if (!validator.Check(params)) {
    const issues = validator.Errors(params).map((error) => `${error.instancePath || '/'}: ${error.message}`)
    throw new TypeError(`parameters of provider state "${state}": ${issues.join('; ')}`)
  }
  return params as ProviderStateParams[Name]
}

/** The values a state endpoint answers, by the name the consumer's `fromProviderState` refers to. */
export const INJECTED = {
  /** Answered by the authorization code states. */
  code: 'code',
  /** Answered by the refresh token states. */
  refreshToken: 'refreshToken',
  /** Answered by `STATES.accessTokenIssued`. */
  accessToken: 'accessToken',
  /** Answered by the device authorization states: the device code the device polls with. */
  deviceCode: 'deviceCode',
  /** Answered by `STATES.personalAccessTokenIssued` (with `accessToken`): the id of the token. */
  personalAccessTokenId: 'personalAccessTokenId',
} as const

export type InjectedName = (typeof INJECTED)[keyof typeof INJECTED]

/** The Pact expression for an injected value, e.g. `${refreshToken}`. */
export function injected(name: InjectedName): string {
  return `\${${name}}`
}

/** The body the Pact verifier posts to the provider state endpoint (setup, then teardown). */
export interface ProviderStateChange {
  state: string
  params?: Record<string, unknown> | undefined
  action?: 'setup' | 'teardown' | undefined
}
