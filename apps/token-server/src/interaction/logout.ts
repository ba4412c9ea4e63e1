import { wireSchemas } from '@pipeshub/models'
import type { EndSessionHook, Store } from '@pipeshub/server'
import type { FastifyReply } from 'fastify'
import { PAGE_HEADERS } from '../pages/html.js'
import { loggedOutPage, logoutConfirmPage } from '../pages/pages.js'
import { clearSessionCookie, createCsrfProtection, readSessionCookie, sessionKey } from './browser-session.js'

/** The logout request's parameters (OpenID Connect RP-Initiated Logout 1.0 §2), carried through the form. */
const CARRIED = Object.keys(wireSchemas.EndSessionRequest.properties)

export interface LogoutOptions {
  store: Store
  /** Path of the end-session endpoint; the confirmation form posts back to it. */
  endSessionPath: string
  now?: () => number
}

const FORM_EXPIRED = 'This form has expired. Please try again.'

/**
 * The end-user side of the end-session endpoint: a confirmation page when a browser session exists
 * (CSRF-protected like the login and consent forms, naming the app when the request identifies it),
 * then the session is deleted from the store, so it ends on every instance sharing it, and the cookie
 * cleared; then the validated post-logout redirect with `state`, or a signed-out page. Without a session
 * there is nothing to confirm. A relying party's POST is answered with the same request as a GET first.
 */
export function createLogout(options: LogoutOptions): EndSessionHook {
  const { store, endSessionPath } = options
  const now = options.now ?? (() => Math.floor(Date.now() / 1000))
  const csrf = createCsrfProtection(store, now)

  return async ({ request, reply, endSessionRequest, parameters, authorizationServer }) => {
    // After a form POST, 303 makes the browser follow with a GET.
    const status = request.method === 'POST' ? 303 : 302
    const page = (code: number, text: string): FastifyReply =>
      reply.code(code).headers(PAGE_HEADERS).send(text)
    const done = (): FastifyReply => {
      const location = authorizationServer.endSession.redirectUrl(endSessionRequest)
      return location === undefined
        ? page(200, loggedOutPage({ loggedOut: true }))
        : reply.redirect(location, status)
    }

    const carried = (): Record<string, string> => {
      const fields: Record<string, string> = {}
      for (const name of CARRIED) {
        const value = parameters[name]
        if (typeof value === 'string' && value !== '') fields[name] = value
      }
      return fields
    }
    // The relying party's own POST (§2) is a cross-site request: the SameSite=Lax session cookie did not
    // come with it, and the session would look absent. The same request as a GET, a top-level
    // navigation, brings the cookie; only this app's confirmation form posts a `logout` decision.
    if (request.method === 'POST' && parameters.logout === undefined)
      return reply.redirect(`${endSessionPath}?${new URLSearchParams(carried()).toString()}`, 303)

    const sessionId = readSessionCookie(request)
    const session =
      sessionId === undefined ? undefined : await store.sessions.get(sessionKey(sessionId), now())
    if (sessionId === undefined || session === undefined) {
      if (sessionId !== undefined) clearSessionCookie(request, reply)
      return done()
    }

    const decision = parameters.logout
    const renderConfirm = async (code: number, error?: string) => {
      const hidden = carried()
      hidden.csrf_token = await csrf.tokenFor(request, reply)
      const user = await store.users.get(session.subject)
      return page(
        code,
        logoutConfirmPage({
          action: endSessionPath,
          hidden,
          clientName: endSessionRequest.client?.name,
          userName: user?.name ?? user?.username ?? session.subject,
          error,
        }),
      )
    }
    if (request.method !== 'POST' || (decision !== 'confirm' && decision !== 'cancel'))
      return renderConfirm(200)
    if (!(await csrf.verify(request, parameters.csrf_token))) return renderConfirm(403, FORM_EXPIRED)
    if (decision === 'cancel') return page(200, loggedOutPage({ loggedOut: false }))

    await store.sessions.delete(sessionKey(sessionId))
    clearSessionCookie(request, reply)
    request.log.info(
      {
        event: 'logout',
        subject: session.subject,
        ...(endSessionRequest.client === undefined ? {} : { client_id: endSessionRequest.client.clientId }),
      },
      'end-user signed out',
    )
    return done()
  }
}
