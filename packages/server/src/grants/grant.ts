import type { TokenRequestGrantType, ValidatedOAuthTokenResponse } from '@pipeshub/models'
import type { TSchema } from 'typebox'
import { isPublicClient } from '../client-kind.js'
import type { VerifiedDPoPProof } from '../dpop/proof.js'
import { OAuthError } from '../errors.js'
import type { RequestCredentials, RequestParameters } from '../request-parameters.js'
import type { ServerContext } from '../server-context.js'
import type { ClientAuthenticationMethod, ClientRecord } from '../store/types.js'
import type { TokenMinter } from './token-minting.js'

/** What a grant's handler gets from its server: the shared context plus the token minter. */
export interface GrantContext extends ServerContext {
  readonly tokens: TokenMinter
}

/** A token request (RFC 6749 §3.2) after its client authenticated. */
export interface GrantRequest {
  readonly params: RequestParameters
  /** The request's credentials beyond the parameters (its `Authorization` and `DPoP` headers). */
  readonly credentials: RequestCredentials
  /** The request's verified DPoP proof (RFC 9449 §5): the tokens issued get bound to its key. */
  readonly dpop: VerifiedDPoPProof | undefined
  readonly client: ClientRecord
  /** How the client authenticated (`none` for a public client). */
  readonly method: ClientAuthenticationMethod
}

/** Answers a token request of one grant type with the token response (RFC 6749 §5.1), or throws `OAuthError`. */
export type GrantHandler = (request: GrantRequest) => Promise<ValidatedOAuthTokenResponse>

/** The metadata of a client being registered or updated that a grant's registration rule reads. */
export interface GrantClientMetadata {
  /** A public client (authentication method `none`). */
  readonly isPublic: boolean
  readonly redirectUris: readonly string[]
}

/**
 * One grant of the token endpoint: its `grant_type`, the parameters it reads, the clients that may
 * register it, and its handler. The registry (`grants/registry.ts`) lists them; the token endpoint
 * dispatches through it, discovery's `grant_types_supported` and client registration read it.
 */
export interface Grant<Type extends string = TokenRequestGrantType> {
  /** The `grant_type` value (RFC 6749 §4, or an extension grant's absolute URI, §4.5). */
  readonly type: Type
  /** The token request's parameters, as the models declare them (TypeBox schema, snake_case wire names). */
  readonly parameters: TSchema
  /**
   * Why a client with this metadata may not be registered with this grant (an `OAuthError` with an
   * RFC 7591 §3.2.2 code), or `undefined` when it may.
   */
  registrationProblem?(client: GrantClientMetadata): OAuthError | undefined
  /** Builds the handler once per server, from the server's context. */
  create(context: GrantContext): GrantHandler
}

/** Refuses a client that did not register `grant` (RFC 6749 §5.2 `unauthorized_client`). */
export function requireGrant(registered: readonly string[], grant: string): void {
  if (!registered.includes(grant)) {
    throw new OAuthError('unauthorized_client', `this client may not use the ${grant} grant`)
  }
}

/**
 * RFC 9449 §5: the DPoP key a refresh token issued now is bound to. A public client's refresh token is
 * bound to the key of the request's proof (its only credential); a confidential client's is bound to
 * its client authentication, and each refresh binds the new access token to that request's proof.
 */
export function refreshTokenBinding(
  client: ClientRecord,
  method: ClientAuthenticationMethod,
  dpop: VerifiedDPoPProof | undefined,
): string | null {
  return method === 'none' || isPublicClient(client) ? (dpop?.jkt ?? null) : null
}
