import { randomUUID } from 'node:crypto'
import { RefreshTokenRequestWire } from '@pipeshub/models'
import { isPublicClient } from '../client-kind.js'
import { OAuthError, stored } from '../errors.js'
import { param, required } from '../request-parameters.js'
import { assertScopesAllowed, parseScopeParameter } from '../scopes.js'
import { generateOpaqueToken, hashOpaqueToken } from '../secrets.js'
import type { ServerContext } from '../server-context.js'
import type { RefreshTokenRecord } from '../store/types.js'
import { type Grant, refreshTokenBinding, requireGrant } from './grant.js'
import { revokeFamily } from './issued-token-revocation.js'

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh token works once; presenting a rotated one
 * again revokes its family, except within the reuse interval for a confidential client's retry.
 */
export const refreshTokenGrant: Grant<'refresh_token'> = {
  type: 'refresh_token',
  parameters: RefreshTokenRequestWire,
  create(context) {
    const { store, now, resourcePolicies, tokens, emit } = context
    const reuseInterval = context.settings.refreshTokenReuseInterval
    const invalidGrant = (description: string) => new OAuthError('invalid_grant', description)

    const reused = async (record: RefreshTokenRecord, t: number) => {
      await stored(() => revokeFamily(store, record.familyId, t))
      emit({
        type: 'refresh_token_reuse_detected',
        clientId: record.clientId,
        subject: record.subject,
        familyId: record.familyId,
      })
      return invalidGrant('the refresh token was already used; its token family is revoked')
    }

    return async ({ params, client, method, dpop }) => {
      const presented = required(params, 'refresh_token')
      const requested = parseScopeParameter(param(params, 'scope'))
      const requestedResources = resourcePolicies.parse(params.resource)
      requireGrant(client.grantTypes, 'refresh_token')
      const tokenHash = hashOpaqueToken(presented)
      const t = now()
      // Read with its user's status, so the disabled-user check below costs no second round trip.
      const found = await stored(() => store.refreshTokens.getWithUserStatus(tokenHash))
      if (!found || found.record.clientId !== client.clientId)
        throw invalidGrant('the refresh token is invalid')
      const { record } = found
      // Only a client that proved its secret may retry: a public client's token alone proves nothing.
      const reusableSince =
        reuseInterval > 0 && method !== 'none' && !isPublicClient(client) ? t - reuseInterval : undefined
      if (record.rotatedAt !== null && (reusableSince === undefined || record.rotatedAt < reusableSince))
        throw await reused(record, t)
      if (record.expiresAt <= t) throw invalidGrant('the refresh token expired')
      // RFC 9449 §5: a refresh token bound to a DPoP key works only with a proof of that key.
      if (record.dpopJkt != null && dpop?.jkt !== record.dpopJkt)
        throw invalidGrant(
          dpop === undefined
            ? 'the refresh token is bound to a DPoP key: a DPoP proof is required'
            : 'the DPoP proof key does not match the key the refresh token is bound to',
        )
      if (found.userDisabled) throw invalidGrant('the user of the refresh token is disabled')
      const scope = requested ?? record.scope
      for (const s of scope) {
        if (!record.scope.includes(s))
          throw new OAuthError('invalid_scope', 'a refresh may only narrow the scope')
      }
      // Without configured resources no grant can have any: skip reading the family on the hot path.
      const granted =
        resourcePolicies.resources.length === 0
          ? []
          : ((await stored(() => store.refreshTokens.getFamily(record.familyId)))?.resources ?? [])
      // RFC 8707 section 2.2: a refresh may ask for any subset of the resources of the grant.
      const resources = resourcePolicies.narrow(granted, requestedResources)
      const { familyId, subject, authTime } = record
      const user = { authTime, nonce: null }
      const dpopJkt = dpop?.jkt
      const signed = await tokens.sign({ client, subject, scope, resources, issuedAt: t, user, dpopJkt })
      // RFC 6749 §6: only the access token narrows; the new refresh token keeps the scope of the one
      // presented, so a narrower request (even one without offline_access) never loses the grant.
      const { refreshToken, record: next } = tokens.refreshToken(
        client,
        {
          familyId,
          subject,
          scope: record.scope,
          authTime,
          dpopJkt: record.dpopJkt ?? refreshTokenBinding(client, method, dpop),
        },
        signed,
        t,
      )
      const rotated = await stored(() =>
        store.refreshTokens.rotate(tokenHash, t, next, reusableSince === undefined ? {} : { reusableSince }),
      )
      if (rotated.outcome === 'already_rotated') throw await reused(record, t)
      if (rotated.outcome === 'inactive') throw invalidGrant('the refresh token is no longer valid')
      return tokens.response(signed, scope, refreshToken)
    }
  },
}

export interface IssueRefreshTokenInput {
  clientId: string
  subject: string
  scope: readonly string[]
  /** When the end-user authenticated (default: now). */
  authTime?: number
  /** A fixed token value (at least 16 characters) for seeding and contract provider states; random otherwise. */
  refreshToken?: string
  /** RFC 8707 resources of the grant, each a configured resource (default: none, the default audience). */
  resources?: readonly string[]
}

/**
 * Stores a refresh token (in a new family) for a client and user as if a grant had issued it: for
 * seeding, migrations from another server and contract provider states. Answers the token value.
 */
export async function issueRefreshToken(
  context: ServerContext,
  input: IssueRefreshTokenInput,
): Promise<string> {
  const { store, resourcePolicies } = context
  if (input.refreshToken !== undefined && input.refreshToken.length < 16) {
    throw new OAuthError('invalid_request', 'a fixed refresh token needs at least 16 characters')
  }
  const client = await stored(() => store.clients.get(input.clientId))
  if (!client) throw new OAuthError('invalid_client', 'unknown client', { status: 401 })
  assertScopesAllowed(input.scope, context.scopeRegistry, client.scopes)
  const resources = resourcePolicies.parse(input.resources)
  resourcePolicies.assertScopesAccepted(resources, input.scope)
  const t = context.now()
  const refreshToken = input.refreshToken ?? generateOpaqueToken()
  const familyId = randomUUID()
  const authTime = input.authTime ?? t
  await stored(async () => {
    await store.refreshTokens.createFamily({
      familyId,
      clientId: client.clientId,
      subject: input.subject,
      authTime,
      createdAt: t,
      revokedAt: null,
      resources,
    })
    await store.refreshTokens.create({
      tokenHash: hashOpaqueToken(refreshToken),
      familyId,
      clientId: client.clientId,
      subject: input.subject,
      scope: [...new Set(input.scope)],
      authTime,
      expiresAt: t + context.settings.refreshTokenLifetime(client),
      createdAt: t,
      rotatedAt: null,
      accessTokenJti: null,
      accessTokenExpiresAt: null,
    })
  })
  return refreshToken
}
