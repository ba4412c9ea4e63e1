import type { IdTokenClaims } from '@pipeshub/models'
import { OAuthError, ReauthorizationRequiredError, RefreshTokenPersistenceError } from './errors.js'
import type { OAuthClient, ProtectedResourceRequest, RefreshParameters, Scope } from './oauth-client.js'
import type { TokenResponse } from './token-response.js'

/**
 * The grant the token manager keeps using: the client's own credentials, or a user's refresh token,
 * with the claims of the ID token from the sign-in when there was one (`tokens.idTokenClaims`), so
 * that every refreshed ID token is checked against them (OIDC Core §12.2).
 */
export type TokenManagerGrant =
  | 'client_credentials'
  | { readonly refreshToken: string; readonly originalIdTokenClaims?: IdTokenClaims | undefined }

export interface TokenManagerOptions {
  /**
   * The client that talks to the token endpoint (`clientCredentials` and `refresh`), and presents the
   * tokens in `fetchProtectedResource`. With a DPoP key, every request it makes carries a proof.
   */
  client: Pick<OAuthClient, 'clientCredentials' | 'refresh'> &
    Partial<Pick<OAuthClient, 'fetchProtectedResource'>>
  grant: TokenManagerGrant
  /** Scope to request (client credentials) or to narrow to (refresh). */
  scope?: Scope | undefined
  /**
   * Called with every new refresh token the server rotates in, and awaited before the access token
   * that came with it is handed out: persist it here, or the next process start holds a dead token.
   * If it throws, the access token is not handed out (`RefreshTokenPersistenceError`).
   */
  onRefreshTokenRotated?: ((refreshToken: string) => void | Promise<void>) | undefined
  /** Refresh this many seconds before the access token expires. Default 30. */
  refreshSkewSeconds?: number | undefined
  /** Lifetime assumed when a response has no `expires_in`, in seconds. Default 300. */
  defaultExpiresInSeconds?: number | undefined
  /** Clock in ms since the epoch; inject one in tests. Default `Date.now`. */
  now?: (() => number) | undefined
}

const NEVER = Number.NEGATIVE_INFINITY

/**
 * Keeps one access token fresh. `getAccessToken()` answers from memory until shortly before expiry;
 * then exactly one request goes out however many callers are waiting (single flight), and they all
 * get its result.
 */
export class TokenManager {
  readonly #client: TokenManagerOptions['client']
  readonly #usesRefreshToken: boolean
  readonly #scope: Scope | undefined
  readonly #onRefreshTokenRotated: TokenManagerOptions['onRefreshTokenRotated']
  readonly #skewMs: number
  readonly #defaultLifetimeSeconds: number
  readonly #now: () => number
  #refreshToken: string | undefined
  /** What refreshed ID tokens must agree with: given, or the first ID token a refresh returned. */
  #originalIdTokenClaims: IdTokenClaims | undefined
  /** An already-settled promise of the current token: the cached path allocates nothing. */
  #current: Promise<string> | undefined
  /** The token type of the current token (`Bearer`, or `DPoP` when bound to the client's key). */
  #currentType: { readonly accessToken: string; readonly tokenType: string } | undefined
  #refreshAt = NEVER
  #inflight: Promise<string> | undefined
  #ended: ReauthorizationRequiredError | undefined
  /** Bumped by `clear` and `setRefreshToken`, so a request started before them cannot restore the old session. */
  #generation = 0

  constructor(options: TokenManagerOptions) {
    this.#client = options.client
    this.#usesRefreshToken = options.grant !== 'client_credentials'
    this.#refreshToken = options.grant === 'client_credentials' ? undefined : options.grant.refreshToken
    this.#originalIdTokenClaims =
      options.grant === 'client_credentials' ? undefined : options.grant.originalIdTokenClaims
    this.#scope = options.scope
    this.#onRefreshTokenRotated = options.onRefreshTokenRotated
    this.#skewMs = (options.refreshSkewSeconds ?? 30) * 1000
    this.#defaultLifetimeSeconds = options.defaultExpiresInSeconds ?? 300
    this.#now = options.now ?? Date.now
    if (!(this.#skewMs >= 0) || !Number.isFinite(this.#skewMs)) {
      throw new RangeError('refreshSkewSeconds must be a finite number >= 0')
    }
    if (!(this.#defaultLifetimeSeconds > 0) || !Number.isFinite(this.#defaultLifetimeSeconds)) {
      throw new RangeError('defaultExpiresInSeconds must be a finite number > 0')
    }
  }

  /** A valid access token: the cached one, or a fresh one when it is about to expire. */
  getAccessToken(): Promise<string> {
    if (this.#now() < this.#refreshAt) return this.#current as Promise<string>
    if (this.#inflight === undefined) {
      const inflight = this.#obtain()
      this.#inflight = inflight
      // Cleared once settled, whichever way (two handlers: nothing rejects unobserved), unless
      // `clear`/`setRefreshToken` already replaced it.
      const settle = () => {
        if (this.#inflight === inflight) this.#inflight = undefined
      }
      inflight.then(settle, settle)
    }
    return this.#inflight
  }

  /**
   * A request to a protected resource with the current access token, presented as its type requires
   * (a DPoP-bound one with a proof, RFC 9449 §7; else as a Bearer token), through the client's
   * `fetchProtectedResource`. Resolves with the resource server's response, whatever its status.
   */
  async fetchProtectedResource(url: string | URL, request: ProtectedResourceRequest = {}): Promise<Response> {
    const client = this.#client
    if (client.fetchProtectedResource === undefined)
      throw new TypeError("the token manager's client has no fetchProtectedResource (an OAuthClient has)")
    const accessToken = await this.getAccessToken()
    const current = this.#currentType
    const tokenType = current?.accessToken === accessToken ? current.tokenType : undefined
    return client.fetchProtectedResource(url, { accessToken, tokenType }, request)
  }

  /** Forgets the cached access token (say, a resource server rejected it); the next call gets a new one. */
  invalidate(): void {
    this.#current = undefined
    this.#refreshAt = NEVER
  }

  /** Ends the session: drops the tokens; calls fail with `ReauthorizationRequiredError` until `setRefreshToken`. */
  clear(): void {
    this.#end(new ReauthorizationRequiredError('the session was cleared'))
  }

  /**
   * Starts a new session with a refresh token from a fresh authorization, and the claims of that
   * authorization's ID token (`tokens.idTokenClaims`) to check refreshed ID tokens against.
   */
  setRefreshToken(refreshToken: string, originalIdTokenClaims?: IdTokenClaims): void {
    this.#generation++
    this.#inflight = undefined
    this.invalidate()
    this.#refreshToken = refreshToken
    this.#originalIdTokenClaims = originalIdTokenClaims
    this.#ended = undefined
  }

  #end(reason: ReauthorizationRequiredError): void {
    this.#generation++
    // Later callers must not join a request of the ended session.
    this.#inflight = undefined
    this.invalidate()
    this.#refreshToken = undefined
    this.#originalIdTokenClaims = undefined
    if (this.#usesRefreshToken) this.#ended = reason
  }

  async #obtain(): Promise<string> {
    const generation = this.#generation
    if (this.#ended !== undefined)
      throw new ReauthorizationRequiredError(this.#ended.message, { cause: this.#ended })
    // Expiry counts from before the request: the server's clock started while it was in flight.
    const requestedAt = this.#now()
    let response: TokenResponse
    const usedRefreshToken = this.#refreshToken
    if (usedRefreshToken === undefined) {
      response = await this.#client.clientCredentials(this.#scope === undefined ? {} : { scope: this.#scope })
    } else {
      try {
        const parameters: RefreshParameters = { refreshToken: usedRefreshToken }
        if (this.#scope !== undefined) parameters.scope = this.#scope
        if (this.#originalIdTokenClaims !== undefined)
          parameters.originalIdTokenClaims = this.#originalIdTokenClaims
        response = await this.#client.refresh(parameters)
      } catch (error) {
        // RFC 6749 §5.2: the refresh token is expired, revoked or already rotated. Asking again
        // cannot help; only a new authorization can.
        if (error instanceof OAuthError && error.error === 'invalid_grant') {
          if (generation === this.#generation) {
            this.#end(new ReauthorizationRequiredError('the refresh token was rejected', { cause: error }))
          }
          throw new ReauthorizationRequiredError('the refresh token was rejected', { cause: error })
        }
        throw error
      }
    }
    if (generation !== this.#generation) return response.accessToken
    // The client checked this ID token against the original claims, if any; else it becomes the reference.
    if (this.#usesRefreshToken) this.#originalIdTokenClaims ??= response.idTokenClaims
    const rotated = response.refreshToken
    if (rotated !== undefined && rotated !== usedRefreshToken && this.#usesRefreshToken) {
      // Kept in memory first: the old token is dead on the server whatever the callback does.
      this.#refreshToken = rotated
      if (this.#onRefreshTokenRotated !== undefined) {
        try {
          await this.#onRefreshTokenRotated(rotated)
        } catch (error) {
          throw new RefreshTokenPersistenceError(
            'onRefreshTokenRotated failed; the access token was withheld',
            {
              cause: error,
            },
          )
        }
      }
      if (generation !== this.#generation) return response.accessToken
    }
    const lifetimeMs = (response.expiresIn ?? this.#defaultLifetimeSeconds) * 1000
    this.#current = Promise.resolve(response.accessToken)
    this.#currentType = { accessToken: response.accessToken, tokenType: response.tokenType }
    // A lifetime shorter than twice the skew refreshes at half-life instead of on every call.
    this.#refreshAt = requestedAt + Math.max(lifetimeMs - this.#skewMs, lifetimeMs / 2)
    return response.accessToken
  }
}

/** Creates a `TokenManager`; see `TokenManagerOptions`. */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  return new TokenManager(options)
}
