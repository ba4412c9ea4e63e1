import { FormSession, hiddenFields } from '../test-support/form-session.js'
import { TEST_PASSWORD } from '../test-support/users.js'
import type { InteropServer } from './interop-server.js'

export type PageShown = 'login' | 'consent'

export interface AuthorizationOutcome {
  /** The redirect back to the client (`Location`), with `code` or `error`, `state` and `iss`. */
  callback: URL
  /** The pages the end-user went through, in order. */
  pages: PageShown[]
}

/**
 * Answers the login and consent pages from `response` on (cookies and CSRF fields carried over plain
 * HTTP, forms posted to `action`) until a redirect (its `Location`) or a page that is neither (its HTML).
 */
async function answerPages(
  session: FormSession,
  action: string,
  first: Response,
  consent: 'granted' | 'denied',
): Promise<{ pages: PageShown[]; location?: string; html?: string }> {
  const pages: PageShown[] = []
  let response = first
  // Login, then consent, then the end: at most two pages.
  for (let step = 0; step < 3; step++) {
    if (response.status === 302 || response.status === 303) {
      const location = response.headers.get('location')
      if (location === null) throw new Error(`a ${response.status} without Location`)
      return { pages, location }
    }
    const html = await response.text()
    if (response.status !== 200) throw new Error(`${action} answered ${response.status}: ${html}`)
    if (html.includes('name="password"')) {
      pages.push('login')
      response = await session.postForm(action, {
        ...hiddenFields(html),
        username: 'alice',
        password: TEST_PASSWORD,
      })
    } else if (html.includes('name="consent"')) {
      pages.push('consent')
      response = await session.postForm(action, { ...hiddenFields(html), consent })
    } else {
      return { pages, html }
    }
  }
  throw new Error(`no end after ${pages.join(', ')}`)
}

/**
 * Plays the end-user in a browser without a browser: opens the authorization URL a relying party built,
 * signs in on the login page and answers the consent page, and answers the redirect back to the client.
 * `session` keeps the sign-in between flows.
 */
export async function authorizeAsEndUser(
  interop: InteropServer,
  authorizationUrl: URL,
  options: { session?: FormSession; consent?: 'granted' | 'denied' } = {},
): Promise<AuthorizationOutcome> {
  const session = options.session ?? new FormSession(interop.baseUrl)
  const first = await session.get(interop.local(authorizationUrl))
  const outcome = await answerPages(
    session,
    interop.server.paths.authorization,
    first,
    options.consent ?? 'granted',
  )
  if (outcome.location === undefined)
    throw new Error(`neither a login nor a consent page: ${(outcome.html ?? '').slice(0, 200)}`)
  return { callback: new URL(outcome.location), pages: outcome.pages }
}

/**
 * RFC 8628 §3.3 as the end-user: opens a device's `verification_uri_complete` on the verification page,
 * signs in and answers the consent page, which shows the user code. Answers the last page's HTML.
 */
export async function verifyDeviceAsEndUser(
  interop: InteropServer,
  verificationUriComplete: string,
  options: { consent?: 'granted' | 'denied' } = {},
): Promise<{ pages: PageShown[]; html: string }> {
  const session = new FormSession(interop.baseUrl)
  const first = await session.get(interop.local(verificationUriComplete))
  const action = new URL(verificationUriComplete).pathname
  const outcome = await answerPages(session, action, first, options.consent ?? 'granted')
  if (outcome.html === undefined) throw new Error(`the verification page redirected to ${outcome.location}`)
  return { pages: outcome.pages, html: outcome.html }
}
