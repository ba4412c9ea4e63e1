import { randomUUID } from 'node:crypto'
import { AuthorizationCodeTokenRequestWire } from '@pipeshub/models'
import { type AuthorizationRequest, buildRedirect } from '../authorization-request.js'
import { OAuthError, stored } from '../errors.js'
import { CODE_VERIFIER, s256 } from '../pkce.js'
import { param, required } from '../request-parameters.js'
import { generateOpaqueToken, hashOpaqueToken } from '../secrets.js'
import type { ServerContext } from '../server-context.js'
import type { AuthorizationCodeRecord } from '../store/types.js'
import { type Grant, refreshTokenBinding, requireGrant } from './grant.js'

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5): a code issued by `issueAuthorizationCode` for tokens. */
export const authorizationCodeGrant: Grant<'authorization_code'> = {
  type: 'authorization_code',
  parameters: AuthorizationCodeTokenRequestWire,
  registrationProblem: ({ redirectUris }) =>
    redirectUris.length === 0
      ? new OAuthError('invalid_redirect_uri', 'authorization_code needs at least one redirect URI')
      : undefined,
  create(context) {
    const { store, now, resourcePolicies, tokens, emit } = context
    const invalidGrant = (description: string) => new OAuthError('invalid_grant', description)

    // PipesHub's rule, stricter than RFC 6749 section 4.1.2 (revoke what the code issued): a replayed
    // code means the code leaked, and whoever holds it may have redeemed it under another grant of
    // the same user and client too; so every live token of that user at that client goes.
    const reused = async (code: AuthorizationCodeRecord, clientId: string, t: number) => {
      await stored(() => store.grants.revoke({ clientId: code.clientId, subject: code.subject }, t))
      emit({ type: 'authorization_code_reuse_detected', clientId })
      return invalidGrant('the authorization code was already used')
    }

    return async ({ params, client, method, dpop }) => {
      const code = required(params, 'code')
      const redirectUri = required(params, 'redirect_uri')
      const verifier = param(params, 'code_verifier')
      if (verifier !== undefined && !CODE_VERIFIER.test(verifier)) {
        throw new OAuthError('invalid_request', 'code_verifier must be 43-128 characters of [A-Za-z0-9-._~]')
      }
      const requestedResources = resourcePolicies.parse(params.resource)
      requireGrant(client.grantTypes, 'authorization_code')
      const codeHash = hashOpaqueToken(code)
      const t = now()
      // Read with its user's status, so the disabled-user check below costs no second round trip.
      const found = await stored(() => store.authorizationCodes.getWithUserStatus(codeHash))
      if (!found || found.record.clientId !== client.clientId)
        throw invalidGrant('the authorization code is invalid')
      const { record } = found
      if (record.consumedAt !== null) throw await reused(record, client.clientId, t)
      if (record.expiresAt <= t) throw invalidGrant('the authorization code expired')
      if (found.userDisabled) throw invalidGrant('the user of the authorization code is disabled')
      if (record.redirectUri !== redirectUri)
        throw invalidGrant('redirect_uri does not match the authorization request')
      if (record.codeChallenge === null) {
        if (verifier !== undefined)
          throw invalidGrant('code_verifier sent for a code issued without code_challenge')
      } else {
        if (verifier === undefined) throw invalidGrant('code_verifier is required')
        const computed = record.codeChallengeMethod === 'plain' ? verifier : s256(verifier)
        if (computed !== record.codeChallenge)
          throw invalidGrant('code_verifier does not match code_challenge')
      }
      // RFC 9449 §10: a code requested with dpop_jkt is redeemed with a proof of that key only.
      if (record.dpopJkt != null && dpop?.jkt !== record.dpopJkt)
        throw invalidGrant(
          dpop === undefined
            ? 'the authorization code is bound to a DPoP key: a DPoP proof is required'
            : 'the DPoP proof key does not match the dpop_jkt of the authorization request',
        )
      // RFC 8707 section 2.2: the token may be for some of the authorized resources, never for others.
      const resources = resourcePolicies.narrow(record.resources, requestedResources)
      const familyId = randomUUID()
      const { scope, subject, authTime } = record
      // Sign before the atomic step, so nothing can fail between consuming the code and answering.
      const user = { authTime, nonce: record.nonce }
      const dpopJkt = dpop?.jkt
      const signed = await tokens.sign({ client, subject, scope, resources, issuedAt: t, user, dpopJkt })
      const { refreshToken, record: refreshTokenRecord } = tokens.refreshToken(
        client,
        { familyId, subject, scope, authTime, dpopJkt: refreshTokenBinding(client, method, dpop) },
        signed,
        t,
      )
      const consumed = await stored(() =>
        store.authorizationCodes.consume(codeHash, t, {
          accessTokenJti: signed.jti,
          accessTokenExpiresAt: signed.expiresAt,
          familyId,
          refreshToken: refreshTokenRecord,
        }),
      )
      if (consumed.outcome === 'not_found') throw invalidGrant('the authorization code is invalid')
      if (consumed.outcome === 'already_consumed') throw await reused(consumed.code, client.clientId, t)
      return tokens.response(signed, scope, refreshToken)
    }
  },
}

export interface IssueAuthorizationCodeInput {
  request: AuthorizationRequest
  /** The authenticated end-user. */
  subject: string
  /** Granted scopes, a subset of the requested ones (default: all requested). */
  scope?: readonly string[]
  /** When the end-user authenticated, epoch seconds. */
  authTime: number
  /** A fixed code value (at least 16 characters) for seeding and contract provider states; random otherwise. */
  code?: string
}

/**
 * Stores a code for an approved authorization request (RFC 6749 §4.1.2) and answers the redirect URL
 * carrying `code`, `state` and `iss` (RFC 9207).
 */
export async function issueAuthorizationCode(
  context: ServerContext,
  input: IssueAuthorizationCodeInput,
): Promise<string> {
  const { request } = input
  const scope = input.scope === undefined ? request.scope : [...new Set(input.scope)]
  // A grant of no scope would answer a token response without `scope` to a request that named some.
  if (scope.length === 0)
    throw new OAuthError('invalid_scope', 'no scope is granted: deny the request instead')
  for (const s of scope) {
    if (!request.scope.includes(s)) throw new OAuthError('invalid_scope', `scope ${s} was not requested`)
  }
  const refused = await context.refusedScopes(input.subject, scope)
  if (refused.length > 0) {
    throw new OAuthError(
      'access_denied',
      `scope ${refused.join(' ')} may be granted by an administrator of the organisation only`,
      { status: 403 },
    )
  }
  if (input.code !== undefined && input.code.length < 16) {
    throw new OAuthError('invalid_request', 'a fixed authorization code needs at least 16 characters')
  }
  const code = input.code ?? generateOpaqueToken()
  const t = context.now()
  // RFC 9126 §4: the pushed request is used once, by the code it ends in (a reload of the login page
  // before that is the same request, which §7.3 allows).
  const requestUriHash = request.requestUriHash
  if (
    requestUriHash !== null &&
    !(await stored(() => context.store.pushedAuthorizationRequests.consume(requestUriHash, t)))
  )
    throw new OAuthError('invalid_request_uri', 'request_uri is unknown, expired or already used')
  await stored(() =>
    context.store.authorizationCodes.create({
      codeHash: hashOpaqueToken(code),
      clientId: request.clientId,
      subject: input.subject,
      redirectUri: request.redirectUri,
      scope,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      nonce: request.nonce,
      ...(request.dpopJkt === null ? {} : { dpopJkt: request.dpopJkt }),
      authTime: input.authTime,
      resources: [...request.resources],
      expiresAt: t + context.settings.authorizationCodeLifetime,
      createdAt: t,
      consumedAt: null,
      issuedAccessTokenJti: null,
      issuedAccessTokenExpiresAt: null,
      issuedFamilyId: null,
    }),
  )
  return buildRedirect(request.redirectUri, { code, state: request.state, iss: context.issuer })
}
