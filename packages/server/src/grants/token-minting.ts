import type { ValidatedOAuthTokenResponse } from '@pipeshub/models'
import { storageFailure } from '../errors.js'
import { audienceFor } from '../resource-indicators.js'
import { generateOpaqueToken, hashOpaqueToken } from '../secrets.js'
import type { ServerContext } from '../server-context.js'
import type { ClientRecord, RefreshTokenRecord } from '../store/types.js'
import {
  DEFAULT_ID_TOKEN_ALGORITHM,
  type IssuedAccessTokenClaims,
  signAccessToken,
  signIdToken,
} from '../tokens.js'

/** What a grant decided to issue; the minter turns it into signed tokens. */
export interface TokenGrant {
  client: ClientRecord
  subject: string
  scope: readonly string[]
  jti: string
  iat: number
  exp: number
  /** When the end-user authenticated (`auth_time`); absent for a client acting on its own behalf. */
  authTime: number | undefined
  /** Present when an ID token is issued with the access token (OIDC Core §3.1.3.3). */
  idToken: { nonce: string | null; authTime: number } | undefined
  /** RFC 8707 resources the access token is for: its `aud` (none: the default audience). */
  resources: readonly string[]
}

/** The family a refresh token belongs to: who it was issued for, what for, since when. */
export type RefreshTokenFamilyMember = Pick<RefreshTokenRecord, 'familyId' | 'subject' | 'scope' | 'authTime'>

/** Access, ID and refresh tokens of one server: how every grant issues them. */
export interface TokenMinter {
  /** Signs the access token (RFC 9068) and, when asked, the ID token bound to it (`at_hash`). */
  sign(grant: TokenGrant): Promise<{ accessToken: string; idToken?: string }>
  /**
   * The refresh token a grant earns (when the client may refresh and the policy issues one), with the
   * record that stores it: a new member of `family`, bound to the client and to the access token.
   */
  refreshToken(
    client: ClientRecord,
    family: RefreshTokenFamilyMember,
    accessToken: { jti: string; expiresAt: number },
    t: number,
  ): { refreshToken: string | undefined; record: RefreshTokenRecord | null }
  /** The token response (RFC 6749 §5.1) as the models shape it. */
  response(
    accessToken: string,
    expiresIn: number,
    scope: readonly string[],
    refreshToken: string | undefined,
    idToken: string | undefined,
  ): ValidatedOAuthTokenResponse
}

export function createTokenMinter(context: ServerContext): TokenMinter {
  const { issuer, signingKeys, settings } = context

  const wantsRefreshToken = (client: ClientRecord, scope: readonly string[]) => {
    if (!client.grantTypes.includes('refresh_token')) return false
    if (settings.refreshTokenPolicy === 'never') return false
    if (settings.refreshTokenPolicy === 'always') return true
    return scope.includes('offline_access')
  }

  return {
    async sign(input) {
      const claims: IssuedAccessTokenClaims = {
        iss: issuer,
        sub: input.subject,
        aud: audienceFor(input.resources, settings.audience),
        client_id: input.client.clientId,
        iat: input.iat,
        exp: input.exp,
        jti: input.jti,
        scope: input.scope.join(' '),
      }
      if (input.authTime !== undefined) claims.auth_time = input.authTime
      try {
        const accessToken = await signAccessToken(signingKeys, claims)
        if (!input.idToken) return { accessToken }
        const idToken = await signIdToken(
          signingKeys,
          {
            iss: issuer,
            sub: input.subject,
            aud: input.client.clientId,
            exp: input.exp,
            iat: input.iat,
            auth_time: input.idToken.authTime,
            azp: input.client.clientId,
            ...(input.idToken.nonce === null ? {} : { nonce: input.idToken.nonce }),
          },
          accessToken,
          input.client.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_ALGORITHM,
        )
        return { accessToken, idToken }
      } catch (error) {
        // A key that cannot be read or created is the store's failure: retryable, like any other.
        throw storageFailure(error)
      }
    },

    refreshToken(client, family, accessToken, t) {
      if (!wantsRefreshToken(client, family.scope)) return { refreshToken: undefined, record: null }
      const refreshToken = generateOpaqueToken()
      return {
        refreshToken,
        record: {
          ...family,
          tokenHash: hashOpaqueToken(refreshToken),
          clientId: client.clientId,
          // Each rotation gets a full lifetime (PipesHub): a grant in use stays alive, an idle one expires.
          expiresAt: t + settings.refreshTokenLifetime(client),
          createdAt: t,
          rotatedAt: null,
          accessTokenJti: accessToken.jti,
          accessTokenExpiresAt: accessToken.expiresAt,
        },
      }
    },

    response(accessToken, expiresIn, scope, refreshToken, idToken) {
      const body: ValidatedOAuthTokenResponse = { accessToken, tokenType: 'Bearer', expiresIn }
      if (refreshToken !== undefined) body.refreshToken = refreshToken
      if (scope.length > 0) body.scope = scope.join(' ')
      if (idToken !== undefined) body.idToken = idToken
      return body
    },
  }
}
