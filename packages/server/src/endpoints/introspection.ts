import { DPOP_SCHEME, type IntrospectionResponseWire, PERSONAL_ACCESS_TOKEN_TYPE } from '@pipeshub/models'
import { OAuthError, stored } from '../errors.js'
import { isPersonalAccessToken, verifyPersonalAccessToken } from '../personal-access-tokens.js'
import {
  checkCharacters,
  type RequestCredentials,
  type RequestParameters,
  required,
} from '../request-parameters.js'
import { hashOpaqueToken } from '../secrets.js'
import type { ServerContext } from '../server-context.js'
import { type IssuedAccessTokenClaims, looksLikeJwt } from '../tokens.js'
import { isUserDisabled } from '../user-status.js'

/** RFC 7662 introspection, for authenticated clients: the §2.2 response, snake_case. */
export type IntrospectionEndpoint = (
  params: RequestParameters,
  credentials: RequestCredentials,
) => Promise<IntrospectionResponseWire>

export function createIntrospectionEndpoint(context: ServerContext): IntrospectionEndpoint {
  const { issuer, store, now, settings } = context

  /** PipesHub's SDK reads the user from `user_id` (its value is the subject) next to `username`. */
  const withUser = async (result: IntrospectionResponseWire, subject: string) => {
    const user = await stored(() => store.users.get(subject))
    if (user) {
      result.username = user.username
      result.user_id = user.subject
    }
    return result
  }

  return async (params, credentials) => {
    checkCharacters(params)
    const token = required(params, 'token')
    const { client, method } = await context.authenticate(params, credentials)
    if (method === 'none')
      throw new OAuthError('invalid_client', 'introspection needs an authenticated client', { status: 401 })
    const t = now()
    if (isPersonalAccessToken(token)) {
      // A personal access token belongs to no client: only the resource servers may learn about it.
      if (!settings.introspectionClients.has(client.clientId)) return { active: false }
      let record: Awaited<ReturnType<typeof verifyPersonalAccessToken>>
      try {
        record = await verifyPersonalAccessToken(store, token, t)
      } catch (error) {
        if (error instanceof OAuthError && error.error === 'invalid_token') return { active: false }
        throw error
      }
      return withUser(
        {
          active: true,
          scope: record.scope.join(' '),
          token_type: PERSONAL_ACCESS_TOKEN_TYPE,
          exp: record.expiresAt,
          iat: record.createdAt,
          sub: record.subject,
          aud: settings.audience,
          iss: issuer,
          jti: record.id,
        },
        record.subject,
      )
    }
    if (looksLikeJwt(token)) {
      let claims: IssuedAccessTokenClaims
      try {
        claims = await context.verifyAccessToken(token, settings.everyAudience)
      } catch (error) {
        if (error instanceof OAuthError && error.error === 'invalid_token') return { active: false }
        throw error
      }
      // RFC 7662 section 4: a client learns about its own tokens; only the configured resource servers
      // learn about every access token. Anything else is indistinguishable from an unknown token.
      if (claims.client_id !== client.clientId && !settings.introspectionClients.has(client.clientId)) {
        return { active: false }
      }
      const result: IntrospectionResponseWire = {
        active: true,
        ...(claims.scope === '' ? {} : { scope: claims.scope }),
        client_id: claims.client_id,
        // RFC 9449 §6.2: a DPoP-bound token is of type DPoP and names its key.
        token_type: claims.cnf?.jkt === undefined ? 'Bearer' : DPOP_SCHEME,
        ...(claims.cnf?.jkt === undefined ? {} : { cnf: { jkt: claims.cnf.jkt } }),
        exp: claims.exp,
        iat: claims.iat,
        sub: claims.sub,
        aud: claims.aud,
        iss: claims.iss,
        jti: claims.jti,
      }
      return claims.sub === claims.client_id ? result : withUser(result, claims.sub)
    }
    const record = await stored(() => store.refreshTokens.get(hashOpaqueToken(token)))
    // A refresh token is only revealed to the client it was issued to.
    if (
      !record ||
      record.clientId !== client.clientId ||
      record.rotatedAt !== null ||
      record.expiresAt <= t
    ) {
      return { active: false }
    }
    const family = await stored(() => store.refreshTokens.getFamily(record.familyId))
    if (!family || family.revokedAt !== null) return { active: false }
    if (await isUserDisabled(store, record.subject)) return { active: false }
    return withUser(
      {
        active: true,
        ...(record.scope.length === 0 ? {} : { scope: record.scope.join(' ') }),
        client_id: record.clientId,
        token_type: 'refresh_token',
        exp: record.expiresAt,
        iat: record.createdAt,
        sub: record.subject,
        iss: issuer,
      },
      record.subject,
    )
  }
}
