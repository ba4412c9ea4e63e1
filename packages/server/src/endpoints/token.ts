import type { ValidatedOAuthTokenResponse } from '@pipeshub/models'
import { OAuthError } from '../errors.js'
import type { GrantContext, GrantHandler } from '../grants/grant.js'
import { allGrants, GRANT_TYPES } from '../grants/registry.js'
import {
  checkCharacters,
  type RequestCredentials,
  type RequestParameters,
  required,
} from '../request-parameters.js'

/** The token endpoint (RFC 6749 §3.2): answers the model; the HTTP layer encodes it to the wire. */
export type TokenEndpoint = (
  params: RequestParameters,
  credentials: RequestCredentials,
) => Promise<ValidatedOAuthTokenResponse>

const listed = (types: readonly string[]) =>
  types.length < 2 ? types.join('') : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`

/** Dispatches a token request to the registered grant of its `grant_type`, after client authentication. */
export function createTokenEndpoint(context: GrantContext): TokenEndpoint {
  const handlers = new Map<string, GrantHandler>(
    allGrants().map((grant) => [grant.type, grant.create(context)]),
  )
  const unsupported = `grant_type must be ${listed(GRANT_TYPES)}`
  return async (params, credentials) => {
    checkCharacters(params)
    const handler = handlers.get(required(params, 'grant_type'))
    if (handler === undefined) throw new OAuthError('unsupported_grant_type', unsupported)
    const { client, method } = await context.authenticate(params, credentials)
    return handler({ params, credentials, client, method })
  }
}
