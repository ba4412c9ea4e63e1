import { type AuthorizationConsentWire, describeScope } from '@pipeshub/models'
import {
  type AuthorizationHookContext,
  type AuthorizationServer,
  authenticationTooOld,
  consentCovers,
  OAuthError,
  type Store,
  widenedConsent,
} from '@pipeshub/server'
import type { FastifyReply, FastifyRequest } from 'fastify'

export interface FrontendConsentOptions {
  authorizationServer: AuthorizationServer
  store: Store
  /** PipesHub's frontend (`PIPESHUB_FRONTEND_URL`): its `/oauth/authorize` page signs the user in. */
  frontendUrl: string
  /** The frontend's own client (`PIPESHUB_FRONTEND_CLIENT_ID`): only its tokens are a user session. */
  frontendClientId: string
  /** The built-in sign-in and consent pages, which serve the frontend's own client. */
  pages: (context: AuthorizationHookContext) => Promise<unknown>
  now: () => number
  /** A resource's human-readable name (RFC 9728 resource_name) for the consent data, when known. */
  resourceName?: ((resource: string) => string | undefined) | undefined
}

const CHALLENGE = 'Bearer realm="pipeshub"'

const sessionRefused = (description: string, status = 401) =>
  new OAuthError(status === 401 ? 'invalid_token' : 'insufficient_scope', description, {
    status,
    wwwAuthenticate: `${CHALLENGE}, error="${status === 401 ? 'invalid_token' : 'insufficient_scope'}"`,
  })

/** A `Bearer` credential, or undefined without an Authorization header. */
function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header === undefined || header === '') return undefined
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header)
  if (match?.[1] === undefined)
    throw new OAuthError('invalid_request', 'the Authorization header must be Bearer <token>', {
      status: 401,
      wwwAuthenticate: CHALLENGE,
    })
  return match[1]
}

/** Whether the request is the frontend's (a Bearer session): its redirects are answered as JSON. */
export function isFrontendRequest(request: FastifyRequest): boolean {
  return /^Bearer /i.test(request.headers.authorization ?? '')
}

/**
 * Login and consent in PipesHub's own frontend, as its provider does it: the authorization endpoint
 * renders no page for the apps. Without a user session `GET /authorize` answers 302 to `<frontendUrl>/oauth/authorize`
 * with the same query. The frontend, once the user is signed in, calls it again with the user's session:
 * an access token of this server issued to the frontend's own client, carrying `openid`, of an enabled
 * user (the frontend gets it with the code flow, whose requests this server's sign-in page serves). `GET` answers the consent data (200 JSON), or a decision when there is nothing to ask (a
 * remembered consent); `POST` with `consent=granted|denied` decides. Decisions are redirects to the app;
 * the caller (`app.ts`) answers them to the frontend as `{redirectUrl}`.
 */
export function createFrontendConsent(options: FrontendConsentOptions) {
  const { authorizationServer, store, frontendUrl, frontendClientId, now, pages, resourceName } = options
  const loginPage = `${frontendUrl.replace(/\/+$/, '')}/oauth/authorize`

  /** The end-user of the frontend session, and when they signed in. */
  async function sessionUser(token: string) {
    const claims = await authorizationServer.verifyAccessToken(token).catch((cause: unknown) => {
      // A store that cannot answer stays a 503; anything else about the token is invalid_token.
      if (cause instanceof OAuthError && cause.status >= 500) throw cause
      throw sessionRefused('the session token is invalid, expired or revoked')
    })
    if (claims.client_id !== frontendClientId)
      throw sessionRefused('the session token was not issued to the frontend', 401)
    if (!claims.scope.split(' ').includes('openid'))
      throw sessionRefused('the session token lacks the openid scope', 403)
    const user = await store.users.get(claims.sub)
    if (user === undefined || user.disabledAt != null || claims.sub === claims.client_id)
      throw sessionRefused('the session token names no enabled end-user')
    const authTime = (claims as { auth_time?: number }).auth_time ?? claims.iat
    return { user, authTime }
  }

  const deny = (
    reply: FastifyReply,
    context: AuthorizationHookContext,
    error: 'access_denied' | 'login_required' | 'consent_required',
    description: string,
  ) =>
    reply.redirect(
      authorizationServer.denyAuthorization(context.authorizationRequest, error, description),
      302,
    )

  return async function authorize(context: AuthorizationHookContext) {
    const { request, reply, authorizationRequest, parameters } = context
    // The frontend gets its session where every app gets tokens: the code flow, on this server's own
    // sign-in page (it cannot ask itself for consent).
    if (authorizationRequest.client.clientId === frontendClientId) return pages(context)
    const token = bearerOf(request)
    if (token === undefined) {
      if (request.method === 'POST')
        throw new OAuthError('invalid_request', "the decision needs the user's session (Bearer)", {
          status: 401,
          wwwAuthenticate: CHALLENGE,
        })
      if (authorizationRequest.prompt.includes('none'))
        return deny(reply, context, 'login_required', 'prompt=none: the user is not signed in')
      const url = request.raw.url ?? ''
      const query = url.includes('?') ? url.slice(url.indexOf('?')) : ''
      return reply.redirect(`${loginPage}${query}`, 302)
    }
    const { user, authTime } = await sessionUser(token)
    const scope = [...authorizationRequest.scope]
    const clientId = authorizationRequest.client.clientId
    const refused = await authorizationServer.refusedScopes(user.subject, scope)
    if (refused.length > 0)
      return deny(
        reply,
        context,
        'access_denied',
        `scope ${refused.join(' ')} may be granted by an administrator of the organisation only`,
      )
    const approve = async () =>
      reply.redirect(
        await authorizationServer.issueAuthorizationCode({
          request: authorizationRequest,
          subject: user.subject,
          scope,
          authTime,
        }),
        302,
      )

    if (request.method === 'POST') {
      const decision = parameters.consent
      if (decision !== 'granted' && decision !== 'denied')
        throw new OAuthError('invalid_request', 'consent must be granted or denied')
      if (decision === 'denied') {
        request.log.info({ event: 'consent_denied', client_id: clientId }, 'consent denied')
        return deny(reply, context, 'access_denied', 'the end-user denied the request')
      }
      const previous = await store.consents.get(user.subject, clientId)
      await store.consents.put(
        widenedConsent(previous, {
          subject: user.subject,
          clientId,
          scope,
          resources: authorizationRequest.resources,
          grantedAt: now(),
        }),
      )
      return approve()
    }

    // max_age (OIDC Core §3.1.2.1): a sign-in too old goes back to the frontend's login.
    if (authenticationTooOld(authorizationRequest, authTime, now()))
      return deny(reply, context, 'login_required', 'max_age: the sign-in is too old; sign in again')
    if (!authorizationRequest.prompt.includes('consent')) {
      const remembered = await store.consents.get(user.subject, clientId)
      if (consentCovers(remembered, { scope, resources: authorizationRequest.resources })) return approve()
    }
    if (authorizationRequest.prompt.includes('none'))
      return deny(reply, context, 'consent_required', 'prompt=none: the user has not consented')
    const { client } = authorizationRequest
    const consent: AuthorizationConsentWire = {
      requiresConsent: true,
      consentData: {
        app: {
          name: client.name,
          ...(client.description == null ? {} : { description: client.description }),
          ...(client.logoUrl == null ? {} : { logoUrl: client.logoUrl }),
          ...(client.homepageUrl == null ? {} : { homepageUrl: client.homepageUrl }),
          ...(client.privacyPolicyUrl == null ? {} : { privacyPolicyUrl: client.privacyPolicyUrl }),
        },
        scopes: scope.map((name) => {
          const described = describeScope(name)
          return { name, description: described.description, category: described.category }
        }),
        user: {
          ...(user.email === null ? {} : { email: user.email }),
          ...(user.name === null ? {} : { name: user.name }),
        },
        ...(authorizationRequest.resources.length === 0
          ? {}
          : {
              resources: authorizationRequest.resources.map((resource) => {
                const name = resourceName?.(resource)
                return name === undefined ? { resource } : { resource, name }
              }),
            }),
        redirectUri: authorizationRequest.redirectUri,
        state: authorizationRequest.state ?? '',
      },
      ...(authorizationRequest.codeChallenge === null
        ? {}
        : {
            codeChallenge: authorizationRequest.codeChallenge,
            codeChallengeMethod: authorizationRequest.codeChallengeMethod ?? 'S256',
          }),
    }
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(consent)
  }
}
