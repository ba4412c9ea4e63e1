import type { IdTokenClaims, OAuthTokenResponseWire, ValidatedOAuthTokenResponse } from '@pipeshub/models'
import { isBearerTokenType, tokenResponseCodec } from '@pipeshub/models/codecs'
import { ResponseValidationError } from './errors.js'
import { decodeJson, type HttpResponse } from './http.js'

/**
 * What every token call returns: the camelCase `ValidatedOAuthTokenResponse` model as enumerable
 * members, plus two non-enumerable extras, so that `{ ...response }` and `JSON.stringify(response)`
 * are exactly the model:
 * - `raw`: the snake_case JSON body as received (extension members included);
 * - `idTokenClaims`: the checked claims of `idToken`, when there is one.
 */
export type TokenResponse = ValidatedOAuthTokenResponse & {
  readonly raw: OAuthTokenResponseWire & Readonly<Record<string, unknown>>
  readonly idTokenClaims?: IdTokenClaims | undefined
}

/** Validates a 2xx token endpoint body; only Bearer tokens are accepted (RFC 6750). */
export function decodeTokenEndpointResponse(result: HttpResponse): TokenResponse {
  const { model, raw } = decodeJson(tokenResponseCodec, result)
  if (!isBearerTokenType(model.tokenType)) {
    throw new ResponseValidationError(
      tokenResponseCodec.name,
      [{ path: '/token_type', keyword: 'const', message: 'must be Bearer (case-insensitive)' }],
      { status: result.response.status, response: result.response },
    )
  }
  Object.defineProperty(model, 'raw', { value: raw, enumerable: false })
  return model as TokenResponse
}

export function attachIdTokenClaims(response: TokenResponse, claims: IdTokenClaims): void {
  Object.defineProperty(response, 'idTokenClaims', { value: claims, enumerable: false })
}
