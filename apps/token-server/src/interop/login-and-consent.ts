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
 * Plays the end-user in a browser without a browser: opens the authorization URL a relying party built,
 * signs in on the login page and answers the consent page (cookies and CSRF fields carried over plain
 * HTTP), and answers the redirect back to the client. `session` keeps the sign-in between flows.
 */
export async function authorizeAsEndUser(
  interop: InteropServer,
  authorizationUrl: URL,
  options: { session?: FormSession; consent?: 'granted' | 'denied' } = {},
): Promise<AuthorizationOutcome> {
  const session = options.session ?? new FormSession(interop.baseUrl)
  const action = interop.server.paths.authorization
  const pages: PageShown[] = []
  let response = await session.get(interop.local(authorizationUrl))
  // Login, then consent, then the redirect: at most two pages.
  for (let step = 0; step < 3; step++) {
    if (response.status === 302 || response.status === 303) {
      const location = response.headers.get('location')
      if (location === null) throw new Error(`a ${response.status} without Location`)
      return { callback: new URL(location), pages }
    }
    const html = await response.text()
    if (response.status !== 200)
      throw new Error(`the authorization endpoint answered ${response.status}: ${html}`)
    if (html.includes('name="password"')) {
      pages.push('login')
      response = await session.postForm(action, {
        ...hiddenFields(html),
        username: 'alice',
        password: TEST_PASSWORD,
      })
    } else if (html.includes('name="consent"')) {
      pages.push('consent')
      response = await session.postForm(action, {
        ...hiddenFields(html),
        consent: options.consent ?? 'granted',
      })
    } else {
      throw new Error(`neither a login nor a consent page: ${html.slice(0, 200)}`)
    }
  }
  throw new Error(`no redirect back to the client after ${pages.join(', ')}`)
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
  const action = new URL(verificationUriComplete).pathname
  const pages: PageShown[] = []
  let response = await session.get(interop.local(verificationUriComplete))
  for (let step = 0; step < 3; step++) {
    const html = await response.text()
    if (response.status !== 200) throw new Error(`the verification page answered ${response.status}: ${html}`)
    if (html.includes('name="password"')) {
      pages.push('login')
      response = await session.postForm(action, {
        ...hiddenFields(html),
        username: 'alice',
        password: TEST_PASSWORD,
      })
    } else if (html.includes('name="consent"')) {
      pages.push('consent')
      response = await session.postForm(action, {
        ...hiddenFields(html),
        consent: options.consent ?? 'granted',
      })
    } else {
      return { pages, html }
    }
  }
  throw new Error(`the verification did not end after ${pages.join(', ')}`)
}
