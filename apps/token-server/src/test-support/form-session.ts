import { createHash, randomBytes } from 'node:crypto'

/** The inverse of the pages' escaping, for values read back from HTML. */
export function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** The hidden inputs of the page's form, by name. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(match[1] ?? '')] = unescapeHtml(match[2] ?? '')
  }
  return fields
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/**
 * A minimal browser over `fetch`: keeps cookies (by name, one host), never follows redirects, so that
 * tests can look at each step of the authorization code flow.
 */
export class FormSession {
  readonly cookies = new Map<string, string>()

  constructor(readonly baseUrl: string) {}

  private remember(response: Response): Response {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (pair === undefined || eq < 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (value === '' || /max-age=0/i.test(header)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {}
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') }
  }

  async get(pathOrUrl: string): Promise<Response> {
    const response = await fetch(new URL(pathOrUrl, this.baseUrl), {
      redirect: 'manual',
      headers: { accept: 'text/html', ...this.cookieHeader() },
    })
    return this.remember(response)
  }

  async postForm(path: string, fields: Record<string, string>): Promise<Response> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        ...this.cookieHeader(),
      },
      body: new URLSearchParams(fields).toString(),
    })
    return this.remember(response)
  }
}

export interface AuthorizeUrlInput {
  baseUrl: string
  authorizePath: string
  clientId: string
  redirectUri: string
  scope: string
  challenge: string
  state?: string
  nonce?: string
}

export function authorizeUrl(input: AuthorizeUrlInput): string {
  const url = new URL(input.authorizePath, input.baseUrl)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    scope: input.scope,
    state: input.state ?? randomBytes(8).toString('hex'),
    nonce: input.nonce ?? randomBytes(8).toString('hex'),
    code_challenge: input.challenge,
    code_challenge_method: 'S256',
  }).toString()
  return url.toString()
}

/** Posts a token request form; answers the status and the JSON body. */
export async function tokenRequest(
  tokenUrl: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  })
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  }
}
