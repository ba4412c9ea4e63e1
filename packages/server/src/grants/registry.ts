import { TOKEN_REQUEST_GRANT_TYPES, type TokenRequestGrantType } from '@pipeshub/models'
import { authorizationCodeGrant } from './authorization-code.js'
import { clientCredentialsGrant } from './client-credentials.js'
import type { Grant } from './grant.js'
import { refreshTokenGrant } from './refresh-token.js'

/**
 * Every grant of the token endpoint, by `grant_type`. The wire vocabulary (`TOKEN_REQUEST_GRANT_TYPES`
 * of @pipeshub/models) names the keys, so a grant type added there fails to compile until its module is
 * listed here.
 */
const GRANTS: { readonly [Type in TokenRequestGrantType]: Grant<Type> } = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  refresh_token: refreshTokenGrant,
}

/** The supported grant types, in the models' order: `grant_types_supported`, registration's list. */
export const GRANT_TYPES: readonly TokenRequestGrantType[] = TOKEN_REQUEST_GRANT_TYPES

/** The grant for a `grant_type` value, or `undefined` for one this server does not support. */
export function grantFor(type: string): Grant | undefined {
  return Object.hasOwn(GRANTS, type) ? (GRANTS[type as TokenRequestGrantType] as Grant) : undefined
}

/** Every grant, in `GRANT_TYPES` order. */
export function allGrants(): Grant[] {
  return GRANT_TYPES.map((type) => GRANTS[type] as Grant)
}

/** `true` when `type` names a supported grant. */
export function isGrantType(type: string): type is TokenRequestGrantType {
  return Object.hasOwn(GRANTS, type)
}
