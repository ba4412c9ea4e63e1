import type { IdTokenClaims, OAuthTokenResponseWire, ValidatedOAuthTokenResponse } from '@pipeshub/models'
import { isBearerTokenType, isDPoPTokenType, tokenResponseCodec } from '@pipeshub/models/codecs'
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

/**
 * Validates a 2xx token endpoint body. Bearer tokens (RFC 6750) are accepted, and DPoP-bound ones
 * (RFC 9449 §5) when the client proves a DPoP key: any other type is one the client cannot present.
 * A server that does not support DPoP ignores the proof and answers Bearer (RFC 9449 §5), which is kept.
 */
export function decodeTokenEndpointResponse(
  result: HttpResponse,
  options: { readonly dpop?: boolean | undefined } = {},
): TokenResponse {
  const { model, raw } = decodeJson(tokenResponseCodec, result)
  const accepted =
    isBearerTokenType(model.tokenType) || (options.dpop === true && isDPoPTokenType(model.tokenType))
  if (!accepted) {
    throw new ResponseValidationError(
      tokenResponseCodec.name,
      [
        {
          path: '/token_type',
          keyword: 'const',
          message:
            options.dpop === true
              ? 'must be Bearer or DPoP (case-insensitive)'
              : 'must be Bearer (case-insensitive); a DPoP token needs a client with a DPoP key',
        },
      ],
      { status: result.response.status, response: result.response },
    )
  }
  Object.defineProperty(model, 'raw', { value: raw, enumerable: false })
  return model as TokenResponse
}

export function attachIdTokenClaims(response: TokenResponse, claims: IdTokenClaims): void {
  Object.defineProperty(response, 'idTokenClaims', { value: claims, enumerable: false })
}
