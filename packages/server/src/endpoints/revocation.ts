import { OAuthError, storageFailure, stored } from '../errors.js'
import { revokeFamily } from '../grants/issued-token-revocation.js'
import { isPersonalAccessToken } from '../personal-access-tokens.js'
import {
  checkCharacters,
  type RequestCredentials,
  type RequestParameters,
  required,
} from '../request-parameters.js'
import { hashOpaqueToken } from '../secrets.js'
import type { ServerContext } from '../server-context.js'
import { type IssuedAccessTokenClaims, looksLikeJwt, verifyAccessToken } from '../tokens.js'

/** RFC 7009 revocation; unknown tokens are ignored, another client's token answers `invalid_request`. */
export type RevocationEndpoint = (params: RequestParameters, credentials: RequestCredentials) => Promise<void>

/** RFC 7009 §2.1: a token issued to another client is refused with an error, not silently kept. */
const notOwner = () => new OAuthError('invalid_request', 'the token was not issued to this client')

export function createRevocationEndpoint(context: ServerContext): RevocationEndpoint {
  const { issuer, store, now, signingKeys, settings } = context
  return async (params, credentials) => {
    checkCharacters(params)
    const token = required(params, 'token')
    const { client } = await context.authenticate(params, credentials)
    const t = now()
    // Issued to no client, so no client may revoke it; saying so beats a 200 that revoked nothing.
    if (isPersonalAccessToken(token)) {
      throw new OAuthError(
        'invalid_request',
        'a personal access token is revoked by its owner through the personal access token API',
      )
    }
    if (looksLikeJwt(token)) {
      let claims: IssuedAccessTokenClaims | undefined
      try {
        claims = await verifyAccessToken(signingKeys, token, {
          issuer,
          audience: settings.everyAudience,
          now: t,
          alg: settings.alg,
        })
      } catch (error) {
        if (!(error instanceof OAuthError)) throw storageFailure(error)
      }
      // RFC 7009 §2.2: an invalid or unknown token needs no action and still answers 200.
      if (!claims) return
      if (claims.client_id !== client.clientId) throw notOwner()
      const { jti, exp } = claims
      await stored(() => store.revokedAccessTokens.revoke(jti, exp))
      return
    }
    const record = await stored(() => store.refreshTokens.get(hashOpaqueToken(token)))
    if (!record) return
    if (record.clientId !== client.clientId) throw notOwner()
    await stored(() => revokeFamily(store, record.familyId, t))
  }
}
