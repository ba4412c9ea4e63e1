import type { ClientRecord, PromptValue, Store, UserRecord } from '@pipeshub/server'
import {
  authenticationTooOld,
  consentCovers,
  hashSecret,
  verifySecret,
  widenedConsent,
} from '@pipeshub/server'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { PAGE_HEADERS } from '../pages/html.js'
import { consentPage, loginPage } from '../pages/pages.js'
import {
  clearSessionCookie,
  createCsrfProtection,
  issueSessionCookie,
  readSessionCookie,
  SESSION_LIFETIME,
  sessionKey,
} from './browser-session.js'

/** An authorization request the library has already validated (client, redirect URI, scope, PKCE). */
export interface PendingAuthorization {
  client: ClientRecord
  /** The scope the client asked for (after the library's checks). */
  scope: readonly string[]
  /** The authorization request's own parameters, carried through the login and consent forms. */
  parameters: Readonly<Record<string, string>>
  /** The request's validated `prompt` values (OIDC Core section 3.1.2.1). */
  prompt: readonly PromptValue[]
  /** The request's `max_age` in seconds (OIDC Core section 3.1.2.1), `null` when absent. */
  maxAge: number | null
  /** RFC 8628: the user code of the device this is for, shown on the consent page (§5.4). */
  deviceUserCode?: string | undefined
  /** RFC 8707: the resources the tokens will be for, named on the consent page; none for this server. */
  resources?: readonly string[] | undefined
}

export type InteractionOutcome =
  /** The end-user is signed in and consented: issue the code. */
  | { kind: 'approved'; subject: string; authTime: number; scope: string[] }
  /** Redirect to the client with this error: refusal (`access_denied`) or `prompt=none` not satisfiable. */
  | {
      kind: 'denied'
      error: 'access_denied' | 'login_required' | 'consent_required'
      /** The `error_description` when it is not the usual one for `error`. */
      description?: string
    }
  /** A page (login, consent, form error) was sent; nothing more to do. */
  | { kind: 'responded' }

type FormParameters = Readonly<Record<string, string | undefined>>

/** A login form's result: signed in, or what to show again. */
export type SignInOutcome =
  | { signedIn: true; user: UserRecord; authTime: number }
  | { signedIn: false; status: 401 | 403; username: string; error: string }

/** Form fields of our pages; everything else in a POST is an authorization parameter. */
const FORM_FIELDS = new Set(['username', 'password', 'consent', 'csrf_token'])

/** The authorization parameters among a request's parameters: everything but our own form fields. */
export function authorizationParameters(
  parameters: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const carried: Record<string, string> = {}
  for (const [name, value] of Object.entries(parameters)) {
    if (FORM_FIELDS.has(name) || value === undefined || value === '') continue
    carried[name] = value
  }
  return carried
}

export interface InteractionOptions {
  store: Store
  /** Path of the authorization endpoint; the forms post back to it. */
  authorizePath: string
  /** The scopes of a request the end-user may not grant (admin-only ones for a non-administrator). */
  refusedScopes?: (subject: string, scope: readonly string[]) => Promise<string[]>
  /** The human-readable name of a resource (RFC 9728 `resource_name`), when the server knows one. */
  resourceName?: (resource: string) => string | undefined
  now?: () => number
}

export const LOGIN_FAILED = 'The username or password is incorrect.'
export const FORM_EXPIRED = 'This form has expired. Please try again.'

/**
 * The end-user side of the authorization endpoint: login, consent and the decision, as server-rendered
 * pages. Sessions and consents live in the store, so any instance can continue what another started.
 */
export function createInteraction(options: InteractionOptions) {
  const { store, authorizePath } = options
  const now = options.now ?? (() => Math.floor(Date.now() / 1000))
  // Compared against when the username is unknown, so that a miss costs the same time as a hit.
  const decoyHash = hashSecret('decoy password that matches nothing')
  const csrf = createCsrfProtection(store, now)

  /** A request for scopes this end-user may not grant is refused before any consent is asked or kept. */
  async function refusal(
    user: UserRecord,
    scope: readonly string[],
  ): Promise<InteractionOutcome | undefined> {
    const refused = (await options.refusedScopes?.(user.subject, scope)) ?? []
    if (refused.length === 0) return undefined
    return {
      kind: 'denied',
      error: 'access_denied',
      description: `scope ${refused.join(' ')} may be granted by an administrator of the organisation only`,
    }
  }

  function send(reply: FastifyReply, status: number, page: string): InteractionOutcome {
    void reply.code(status).headers(PAGE_HEADERS).send(page)
    return { kind: 'responded' }
  }

  async function renderLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    pending: PendingAuthorization,
    status = 200,
    username?: string,
    error?: string,
  ): Promise<InteractionOutcome> {
    const hidden = { ...pending.parameters, csrf_token: await csrf.tokenFor(request, reply) }
    return send(
      reply,
      status,
      loginPage({ action: authorizePath, hidden, clientName: pending.client.name, username, error }),
    )
  }

  async function currentUser(
    request: FastifyRequest,
  ): Promise<{ user: UserRecord; authTime: number } | undefined> {
    const sessionId = readSessionCookie(request)
    if (sessionId === undefined) return undefined
    const session = await store.sessions.get(sessionKey(sessionId), now())
    if (session === undefined) return undefined
    const user = await store.users.get(session.subject)
    // A user disabled since signing in is signed out: the login page, which refuses them, comes next.
    return user === undefined || user.disabledAt != null ? undefined : { user, authTime: session.authTime }
  }

  /**
   * Checks a login form (CSRF token, username, password) and, when it passes, signs the end-user in (a
   * new session and its cookie). A failure says what to show again: the status and the message.
   */
  async function signIn(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormParameters,
    /** The app the sign-in is for, logged with a failure. */
    clientId?: string,
  ): Promise<SignInOutcome> {
    const username = typeof form.username === 'string' ? form.username.trim().slice(0, 256) : ''
    const password = typeof form.password === 'string' ? form.password.slice(0, 1024) : ''
    if (!(await csrf.verify(request, form.csrf_token))) {
      return { signedIn: false, status: 403, username, error: FORM_EXPIRED }
    }
    const user = username === '' ? undefined : await store.users.findByUsername(username)
    const hash = user?.passwordHash ?? (await decoyHash)
    const valid = (await verifySecret(password, hash)) && user !== undefined && user.passwordHash !== null
    if (!valid || user === undefined || user.disabledAt != null) {
      // The username is not logged: people type their password into it. The subject is, when known.
      // A disabled user gets the same page as a wrong password: the status is for the log only.
      const reason =
        user === undefined
          ? 'unknown_user'
          : user.passwordHash === null
            ? 'no_password'
            : !valid
              ? 'wrong_password'
              : 'user_disabled'
      request.log.warn(
        {
          event: 'login_failed',
          reason,
          ...(user === undefined ? {} : { subject: user.subject }),
          ...(clientId === undefined ? {} : { client_id: clientId }),
        },
        'login failed',
      )
      return { signedIn: false, status: 401, username, error: LOGIN_FAILED }
    }
    const authTime = now()
    const sessionId = issueSessionCookie(request, reply)
    await store.sessions.create({
      sessionId: sessionKey(sessionId),
      subject: user.subject,
      authTime,
      expiresAt: authTime + SESSION_LIFETIME,
    })
    request.log.info({ event: 'login', subject: user.subject }, 'end-user signed in')
    return { signedIn: true, user, authTime }
  }

  async function login(
    request: FastifyRequest,
    reply: FastifyReply,
    pending: PendingAuthorization,
    form: FormParameters,
  ): Promise<InteractionOutcome> {
    const outcome = await signIn(request, reply, form, pending.client.clientId)
    if (!outcome.signedIn)
      return renderLogin(request, reply, pending, outcome.status, outcome.username, outcome.error)
    return decideConsent(request, reply, pending, outcome.user, outcome.authTime)
  }

  async function decideConsent(
    request: FastifyRequest,
    reply: FastifyReply,
    pending: PendingAuthorization,
    user: UserRecord,
    authTime: number,
  ): Promise<InteractionOutcome> {
    const scope = [...pending.scope]
    const refused = await refusal(user, scope)
    if (refused) return refused
    // prompt=consent (OIDC Core section 3.1.2.1) asks again even when the end-user consented before.
    if (!pending.prompt.includes('consent')) {
      const remembered = await store.consents.get(user.subject, pending.client.clientId)
      if (consentCovers(remembered, { scope, resources: pending.resources ?? [] })) {
        return { kind: 'approved', subject: user.subject, authTime, scope }
      }
    }
    if (pending.prompt.includes('none')) {
      return { kind: 'denied', error: 'consent_required' }
    }
    const hidden = { ...pending.parameters, csrf_token: await csrf.tokenFor(request, reply) }
    return send(
      reply,
      200,
      consentPage({
        action: authorizePath,
        hidden,
        clientName: pending.client.name,
        userName: user.name ?? user.username,
        scopes: scope,
        deviceUserCode: pending.deviceUserCode,
        resources: (pending.resources ?? []).map((resource) => {
          const name = options.resourceName?.(resource)
          return name === undefined ? { resource } : { resource, name }
        }),
      }),
    )
  }

  return {
    /** The signed-in end-user of the request's session cookie, unless signed out or disabled. */
    currentUser,
    signIn,
    /** The CSRF tokens of this server's forms. */
    csrf,
    /** Continues the authorization request from wherever the end-user is: login, consent or done. */
    async interact(
      request: FastifyRequest,
      reply: FastifyReply,
      pending: PendingAuthorization,
      /** The parameters of a POST (login or consent form); `undefined` for a GET. */
      form: FormParameters | undefined,
    ): Promise<InteractionOutcome> {
      if (form?.password !== undefined) return login(request, reply, pending, form)

      const prompt = pending.prompt
      const signedIn = await currentUser(request)
      const decision = form !== undefined && (form.consent === 'granted' || form.consent === 'denied')
      // max_age (OIDC Core section 3.1.2.1): a sign-in older than max_age seconds must be done again.
      // max_age=0 acts like prompt=login: it forces the sign-in once, and the consent decision that
      // follows that sign-in keeps it; a longer max_age also holds at the decision.
      const stale =
        signedIn !== undefined &&
        pending.maxAge !== null &&
        (decision
          ? pending.maxAge > 0 && authenticationTooOld(pending, signedIn.authTime, now())
          : authenticationTooOld(pending, signedIn.authTime, now()))
      if (prompt.includes('none') && (signedIn === undefined || stale))
        return { kind: 'denied', error: 'login_required' }
      // prompt=login forces a fresh sign-in once, on the GET; the consent POST that follows keeps it.
      // With one account per session, select_account is answered by the same sign-in page.
      const reauthenticate = prompt.includes('login') || prompt.includes('select_account')
      if (signedIn === undefined || stale || (form === undefined && reauthenticate)) {
        // A cookie whose session expired or was removed is dropped rather than sent again and again.
        if (signedIn === undefined && readSessionCookie(request) !== undefined)
          clearSessionCookie(request, reply)
        return renderLogin(request, reply, pending)
      }
      if (decision && form !== undefined) {
        if (!(await csrf.verify(request, form.csrf_token))) {
          return renderLogin(request, reply, pending, 403, signedIn.user.username, FORM_EXPIRED)
        }
        if (form.consent === 'denied') {
          request.log.info({ event: 'consent_denied', client_id: pending.client.clientId }, 'consent denied')
          return { kind: 'denied', error: 'access_denied' }
        }
        const refused = await refusal(signedIn.user, pending.scope)
        if (refused) return refused
        const previous = await store.consents.get(signedIn.user.subject, pending.client.clientId)
        await store.consents.put(
          widenedConsent(previous, {
            subject: signedIn.user.subject,
            clientId: pending.client.clientId,
            scope: pending.scope,
            resources: pending.resources ?? [],
            grantedAt: now(),
          }),
        )
        return {
          kind: 'approved',
          subject: signedIn.user.subject,
          authTime: signedIn.authTime,
          scope: [...pending.scope],
        }
      }
      return decideConsent(request, reply, pending, signedIn.user, signedIn.authTime)
    },
  }
}

export type Interaction = ReturnType<typeof createInteraction>
