import { DPOP_SCHEME, type ValidatedOAuthTokenResponse } from '@pipeshub/models'
import { stored } from '../errors.js'
import { audienceFor } from '../resource-indicators.js'
import { generateOpaqueToken, hashOpaqueToken } from '../secrets.js'
import type { ServerContext } from '../server-context.js'
import type { ClientRecord, RefreshTokenRecord } from '../store/types.js'
import {
  DEFAULT_ID_TOKEN_ALGORITHM,
  type IssuedAccessTokenClaims,
  newJti,
  signAccessToken,
  signIdToken,
} from '../tokens.js'

/** What a grant decided to issue; the minter turns it into signed tokens. */
export interface TokenGrant {
  client: ClientRecord
  subject: string
  scope: readonly string[]
  /** RFC 8707 resources the access token is for: its `aud` (none: the default audience). */
  resources: readonly string[]
  /** `iat`, epoch seconds; the tokens live the client's access-token lifetime, or their resources' shorter one. */
  issuedAt: number
  /**
   * The end-user of a user's grant: `auth_time` goes into the access token, and an ID token is issued
   * when the scope holds `openid` (OIDC Core §3.1.3.3). Absent for a client acting on its own behalf.
   */
  user?: { authTime: number; nonce: string | null } | undefined
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the access token is bound to (`cnf.jkt`). */
  dpopJkt?: string | undefined
}

/** The signed tokens of one grant, and the access token's identity for what the store records. */
export interface SignedTokens {
  accessToken: string
  idToken: string | undefined
  jti: string
  expiresAt: number
  expiresIn: number
  /** The DPoP key the access token is bound to: its `token_type` is `DPoP` (RFC 9449 §5). */
  dpopJkt: string | undefined
}

/** The family a refresh token belongs to: who it was issued for, what for, since when. */
export type RefreshTokenFamilyMember = Pick<
  RefreshTokenRecord,
  'familyId' | 'subject' | 'scope' | 'authTime' | 'dpopJkt'
>

/** Access, ID and refresh tokens of one server: how every grant issues them. */
export interface TokenMinter {
  /** Signs the access token (RFC 9068) and, for a user's `openid` grant, the ID token bound to it (`at_hash`). */
  sign(grant: TokenGrant): Promise<SignedTokens>
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
  /**
   * The token response (RFC 6749 §5.1) as the models shape it; `token_type` is `DPoP` for a DPoP-bound
   * access token (RFC 9449 §5).
   */
  response(
    signed: SignedTokens,
    scope: readonly string[],
    refreshToken: string | undefined,
  ): ValidatedOAuthTokenResponse
}

export function createTokenMinter(context: ServerContext): TokenMinter {
  const { issuer, signingKeys, settings, resourcePolicies } = context

  const wantsRefreshToken = (client: ClientRecord, scope: readonly string[]) => {
    if (!client.grantTypes.includes('refresh_token')) return false
    if (settings.refreshTokenPolicy === 'never') return false
    if (settings.refreshTokenPolicy === 'always') return true
    return scope.includes('offline_access')
  }

  return {
    async sign(input) {
      const jti = newJti()
      const lifetime = resourcePolicies.lifetime(input.resources, settings.accessTokenLifetime(input.client))
      const exp = input.issuedAt + lifetime
      const claims: IssuedAccessTokenClaims = {
        iss: issuer,
        sub: input.subject,
        aud: audienceFor(input.resources, settings.audience),
        client_id: input.client.clientId,
        iat: input.issuedAt,
        exp,
        jti,
        scope: input.scope.join(' '),
      }
      const { user } = input
      if (user !== undefined) claims.auth_time = user.authTime
      if (input.dpopJkt !== undefined) claims.cnf = { jkt: input.dpopJkt }
      const signed = { idToken: undefined, jti, expiresAt: exp, expiresIn: lifetime, dpopJkt: input.dpopJkt }
      // A key that cannot be read or created is the store's failure: retryable, like any other.
      return stored(async () => {
        const accessToken = await signAccessToken(signingKeys, claims)
        if (user === undefined || !input.scope.includes('openid')) return { ...signed, accessToken }
        const idToken = await signIdToken(
          signingKeys,
          {
            iss: issuer,
            sub: input.subject,
            aud: input.client.clientId,
            exp,
            iat: input.issuedAt,
            auth_time: user.authTime,
            azp: input.client.clientId,
            ...(user.nonce === null ? {} : { nonce: user.nonce }),
          },
          accessToken,
          input.client.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_ALGORITHM,
        )
        return { ...signed, accessToken, idToken }
      })
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

    response({ accessToken, expiresIn, idToken, dpopJkt }, scope, refreshToken) {
      const tokenType = dpopJkt === undefined ? 'Bearer' : DPOP_SCHEME
      const body: ValidatedOAuthTokenResponse = { accessToken, tokenType, expiresIn }
      if (refreshToken !== undefined) body.refreshToken = refreshToken
      if (scope.length > 0) body.scope = scope.join(' ')
      if (idToken !== undefined) body.idToken = idToken
      return body
    },
  }
}
