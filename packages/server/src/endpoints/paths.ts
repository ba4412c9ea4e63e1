export interface EndpointPaths {
  authorization: string
  token: string
  /** RFC 9126 pushed authorization request endpoint. */
  pushedAuthorizationRequest: string
  revocation: string
  introspection: string
  userinfo: string
  jwks: string
  openidConfiguration: string
  oauthAuthorizationServer: string
  /** RFC 7591 registration endpoint; a client's configuration endpoint (RFC 7592) is `<it>/<client_id>`. */
  registration: string
  /** RFC 8628 device authorization endpoint. */
  deviceAuthorization: string
  /** OpenID Connect RP-Initiated Logout 1.0 end-session endpoint (GET and POST). */
  endSession: string
  /** PipesHub's OAuth app management API (`<it>/scopes`, `<it>/:appId`, ...), when mounted. */
  oauthClients: string
  /** The end-user's personal access tokens (list, create); one of them is `<it>/<id>` (revoke). */
  personalAccessTokens: string
  /** The apps the end-user allowed (list); one of them is `<it>/<client_id>` (revoke). */
  consents: string
}

export const DEFAULT_PREFIX = '/api/v1'

/** Where the plugin mounts each endpoint: under `prefix`, the well-known documents at the root. */
export function endpointPaths(prefix = DEFAULT_PREFIX): EndpointPaths {
  const p = prefix.replace(/\/+$/, '')
  return {
    authorization: `${p}/oauth2/authorize`,
    token: `${p}/oauth2/token`,
    pushedAuthorizationRequest: `${p}/oauth2/par`,
    revocation: `${p}/oauth2/revoke`,
    introspection: `${p}/oauth2/introspect`,
    userinfo: `${p}/oauth2/userinfo`,
    jwks: '/.well-known/jwks.json',
    openidConfiguration: '/.well-known/openid-configuration',
    oauthAuthorizationServer: '/.well-known/oauth-authorization-server',
    registration: `${p}/oauth2/register`,
    deviceAuthorization: `${p}/oauth2/device_authorization`,
    endSession: `${p}/oauth2/logout`,
    oauthClients: `${p}/oauth-clients`,
    personalAccessTokens: `${p}/personal-access-tokens`,
    consents: `${p}/oauth2/consents`,
  }
}
