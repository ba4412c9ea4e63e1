/**
 * Plays the browser of an end-user over plain HTTP (no browser): keeps cookies, follows the
 * authorization server's redirects, answers the login and consent prompts of
 * `node-oidc-provider.ts`, submits node-oidc-provider's own HTML forms (the device verification and
 * logout pages) as a browser would, and stops at the redirect to the client's redirect URI.
 */
export interface UserAgentChoices {
  /** The login typed into the sign-in prompt. */
  login: string
  /** The answer to the consent prompt. */
  consent: 'allow' | 'deny'
  /** On the device confirmation page (RFC 8628 §3.3): confirm the code, or abort (deny). Default confirm. */
  device?: 'confirm' | 'abort'
  /** What the user types into a user code input form (RFC 8628 §3.3), as people type it. */
  userCode?: string
}

/** Where a visit ended: a redirect to one of the stop URLs, or a page with no form left to submit. */
export interface UserAgentVisit {
  readonly location?: string
  readonly page?: string
  readonly prompts: string[]
}

/** The hidden inputs of the first `<form method="post">` of a page, with its action and id. */
function postForm(html: string): { action: string; id: string; fields: URLSearchParams } | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html)
  if (form === null) return undefined
  const attribute = (source: string, name: string) => new RegExp(`${name}="([^"]*)"`, 'i').exec(source)?.[1]
  const head = form[1] ?? ''
  if ((attribute(head, 'method') ?? 'get').toLowerCase() !== 'post') return undefined
  const fields = new URLSearchParams()
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const attributes = input[1] ?? ''
    const name = attribute(attributes, 'name')
    if (attribute(attributes, 'type') !== 'hidden' || name === undefined) continue
    fields.append(name, decodeEntities(attribute(attributes, 'value') ?? ''))
  }
  return { action: decodeEntities(attribute(head, 'action') ?? ''), id: attribute(head, 'id') ?? '', fields }
}

function decodeEntities(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&#x27;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
}

export interface UserAgentTrip {
  /** The redirect back to the client, with the authorization response in its query. */
  callback: string
  /** The prompts answered on the way, in order (`login`, `consent`). */
  prompts: string[]
}

/** A cookie jar that ignores paths: node-oidc-provider reads its cookies by name. */
class CookieJar {
  readonly #cookies = new Map<string, string>()

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';')
      const separator = pair.indexOf('=')
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      const expired = attributes.some((attribute) => {
        const [key = '', date = ''] = attribute.split('=')
        return key.trim().toLowerCase() === 'expires' && Date.parse(date) <= Date.now()
      })
      if (value === '' || expired) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

const MAX_HOPS = 12

export class UserAgent {
  readonly #jar = new CookieJar()
  readonly #redirectUri: string

  constructor(redirectUri: string) {
    this.#redirectUri = redirectUri
  }

  async #request(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    const cookie = this.#jar.header()
    if (cookie !== '') headers.set('cookie', cookie)
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    this.#jar.store(response)
    return response
  }

  /** Goes to `url` and answers every prompt until the server redirects to the redirect URI. */
  async authorize(url: URL, choices: UserAgentChoices): Promise<UserAgentTrip> {
    const visit = await this.visit(url, choices, [this.#redirectUri])
    if (visit.location === undefined)
      throw new Error(`no redirect to ${this.#redirectUri}: ${(visit.page ?? '').slice(0, 500)}`)
    return { callback: visit.location, prompts: visit.prompts }
  }

  /**
   * Goes to `url` (a verification URI, a logout URL) and acts as the user would: follows redirects,
   * answers the login and consent prompts, submits the server's post forms (confirming or aborting
   * a device code, confirming logout), until a redirect to a `stopAt` URL or a page with no form.
   */
  async visit(url: URL, choices: UserAgentChoices, stopAt: readonly string[] = []): Promise<UserAgentVisit> {
    const prompts: string[] = []
    let codeEntered = false
    let next = url
    let response = await this.#request(next)
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      if (response.status >= 300 && response.status < 400) {
        await response.arrayBuffer()
        const location = response.headers.get('location')
        if (location === null) throw new Error(`${response.status} without a Location from ${next.href}`)
        if (stopAt.some((stop) => location.startsWith(stop))) return { location, prompts }
        next = new URL(location, next)
        response = await this.#request(next)
        continue
      }
      const text = await response.text()
      if (response.status === 200 && next.pathname.startsWith('/interaction/')) {
        const { prompt } = JSON.parse(text) as { prompt: string }
        prompts.push(prompt)
        const form =
          prompt === 'login'
            ? new URLSearchParams({ login: choices.login })
            : new URLSearchParams({ decision: choices.consent })
        next = new URL(`${next.pathname}/${prompt}`, next)
        response = await this.#request(next, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        })
        continue
      }
      const form = postForm(text)
      if (form === undefined) return { page: text, prompts }
      if (form.id === 'op.deviceInputForm') {
        // The input form again, after a code went in: the server's answer (aborted, unknown code).
        if (codeEntered) return { page: text, prompts }
        if (choices.userCode === undefined) throw new Error(`${next.href} asks for a user code`)
        form.fields.set('user_code', choices.userCode)
      }
      if (form.fields.has('user_code')) codeEntered = true
      if (form.id === 'op.deviceConfirmForm' && choices.device === 'abort') {
        form.fields.delete('confirm')
        form.fields.set('abort', 'yes')
      }
      // The logout page's "Yes, sign me out" button is a submit named logout outside the form.
      if (form.id === 'op.logoutForm') form.fields.set('logout', 'yes')
      next = new URL(form.action, next)
      response = await this.#request(next, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.fields,
      })
    }
    throw new Error(`the visit of ${url.href} did not end after ${MAX_HOPS} hops`)
  }
}
