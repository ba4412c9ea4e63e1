/**
 * Plays the browser of an end-user over plain HTTP (no browser): keeps cookies, follows the
 * authorization server's redirects, answers the login and consent prompts of
 * `node-oidc-provider.ts`, and stops at the redirect to the client's redirect URI.
 */
export interface UserAgentChoices {
  /** The login typed into the sign-in prompt. */
  login: string
  /** The answer to the consent prompt. */
  consent: 'allow' | 'deny'
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
    const prompts: string[] = []
    let next = url
    let response = await this.#request(next)
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      if (response.status >= 300 && response.status < 400) {
        await response.arrayBuffer()
        const location = response.headers.get('location')
        if (location === null) throw new Error(`${response.status} without a Location from ${next.href}`)
        if (location.startsWith(this.#redirectUri)) return { callback: location, prompts }
        next = new URL(location, next)
        response = await this.#request(next)
        continue
      }
      const text = await response.text()
      if (response.status !== 200 || !next.pathname.startsWith('/interaction/')) {
        throw new Error(`${next.href} answered ${response.status}: ${text.slice(0, 500)}`)
      }
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
    }
    throw new Error(`no redirect to ${this.#redirectUri} after ${MAX_HOPS} hops`)
  }
}
