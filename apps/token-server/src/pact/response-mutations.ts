/** One HTTP response of the app, as the mutating layer sees it. */
export interface ObservedResponse {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

export type ResponseMutation = (response: ObservedResponse) => ObservedResponse

const TOKEN_PATH = '/api/v1/oauth2/token'

/** Applies `change` to the JSON body of every successful token response, and leaves the rest alone. */
function successfulTokenBody(change: (body: Record<string, unknown>) => void): ResponseMutation {
  return (response) => {
    if (response.path !== TOKEN_PATH || response.status !== 200) return response
    const body = JSON.parse(response.body) as Record<string, unknown>
    change(body)
    return { ...response, body: JSON.stringify(body) }
  }
}

/**
 * Deliberately broken token servers: each one drifts from the contract in one way a real change could,
 * and verification against each must fail, naming what drifted.
 */
export const BROKEN_PROVIDERS: ReadonlyArray<{ name: string; mutate: ResponseMutation; mismatch: RegExp }> = [
  {
    name: 'access_token renamed to accessToken',
    mutate: successfulTokenBody((body) => {
      body.accessToken = body.access_token
      delete body.access_token
    }),
    mismatch: /access_token/,
  },
  {
    name: 'expires_in sent as a string',
    mutate: successfulTokenBody((body) => {
      body.expires_in = String(body.expires_in)
    }),
    mismatch: /expires_in/,
  },
  {
    name: 'token_type missing',
    mutate: successfulTokenBody((body) => {
      delete body.token_type
    }),
    mismatch: /token_type/,
  },
  {
    name: 'Cache-Control: no-store missing',
    mutate: (response) => {
      if (response.path !== TOKEN_PATH || response.status !== 200) return response
      const { 'cache-control': _dropped, ...headers } = response.headers
      return { ...response, headers }
    },
    mismatch: /cache-control/i,
  },
]
