import { randomBytes, randomUUID } from 'node:crypto'
import {
  type CreatedPersonalAccessTokenWire,
  createdPersonalAccessTokenCodec,
  PERSONAL_ACCESS_TOKEN_PATTERN,
  PERSONAL_ACCESS_TOKEN_PREFIX,
  type PersonalAccessTokenListWire,
  personalAccessTokenCreateRequestCodec,
  personalAccessTokenListCodec,
} from '@pipeshub/models'
import { invalidTokenError } from './bearer.js'
import { endUserOfBearer } from './end-user-bearer.js'
import type { ResourceRequest } from './endpoints/presented-access-token.js'
import { OAuthError, stored } from './errors.js'
import { parseScopeParameter } from './scopes.js'
import { hashOpaqueToken } from './secrets.js'
import type { ServerContext } from './server-context.js'
import type { PersonalAccessTokenRecord, Store } from './store/types.js'

/** Limits of the personal-access-token API. */
export interface PersonalAccessTokenOptions {
  /** Live tokens one user may hold (default 50); one more answers `invalid_request`. */
  maxPerUser?: number
  /** Lifetime in seconds when a creation names none (default 30 days). */
  defaultLifetime?: number
}

/**
 * `/api/v1/personal-access-tokens`, for the end-user of an access token of this server that carries
 * `openid`, Bearer or DPoP-bound (then with `Authorization: DPoP` and a proof in `request.dpop`, RFC 9449
 * §7); a personal access token cannot manage personal access tokens (a leaked one must not be able to
 * mint its own successors). Bodies and answers are the models' wire shapes.
 */
export interface PersonalAccessTokenEndpoint {
  list(authorization: string | undefined, request?: ResourceRequest): Promise<PersonalAccessTokenListWire>
  /** Answers the new token with its value, the only time it is shown. */
  create(
    authorization: string | undefined,
    body: unknown,
    request?: ResourceRequest,
  ): Promise<CreatedPersonalAccessTokenWire>
  /** Revokes (deletes) one of the user's tokens; `invalid_request` 404 when it is not theirs. */
  revoke(authorization: string | undefined, id: string, request?: ResourceRequest): Promise<void>
}

const TOKEN = new RegExp(PERSONAL_ACCESS_TOKEN_PATTERN)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A scope that means nothing on a token without a client and that is never refreshed. */
const NOT_FOR_PERSONAL_TOKENS = ['offline_access']

/** Whether `token` has the shape of a personal access token (and so is looked up as one). */
export function isPersonalAccessToken(token: string): boolean {
  return token.startsWith(PERSONAL_ACCESS_TOKEN_PREFIX) && TOKEN.test(token)
}

/** A new token value: the prefix and 32 random bytes (256 bits), base64url. */
export function newPersonalAccessTokenValue(): string {
  return `${PERSONAL_ACCESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
}

/**
 * The stored token a value names, if it is live at `now` and its user exists and is enabled; any failure is
 * `invalid_token` (RFC 6750 §3.1).
 */
export async function verifyPersonalAccessToken(
  store: Store,
  token: string,
  now: number,
): Promise<PersonalAccessTokenRecord> {
  if (!isPersonalAccessToken(token)) throw invalidTokenError('the personal access token is malformed')
  const record = await stored(() => store.personalAccessTokens.getByHash(hashOpaqueToken(token)))
  if (!record) throw invalidTokenError('the personal access token is unknown or revoked')
  if (record.expiresAt <= now) throw invalidTokenError('the personal access token expired')
  const user = await stored(() => store.users.get(record.subject))
  if (!user) throw invalidTokenError('the end-user of the personal access token no longer exists')
  // A disabled end-user's tokens stop being active, these too; enabling them brings them back.
  if (user.disabledAt != null)
    throw invalidTokenError('the end-user of the personal access token is disabled')
  return record
}

const described = ({ id, name, scope, createdAt, expiresAt }: PersonalAccessTokenRecord) => ({
  id,
  name,
  scope: scope.join(' '),
  createdAt,
  expiresAt,
})

/** `url`: the collection as clients call it (a DPoP proof's `htu`; one token is `<url>/<id>`). */
export function createPersonalAccessTokenEndpoint(
  context: ServerContext,
  options: PersonalAccessTokenOptions | undefined,
  url: string,
): PersonalAccessTokenEndpoint {
  const { store, now, scopeRegistry } = context
  const maxPerUser = options?.maxPerUser ?? 50
  const defaultLifetime = options?.defaultLifetime ?? 30 * 86_400
  if (!Number.isInteger(maxPerUser) || maxPerUser < 1 || maxPerUser > 1000)
    throw new RangeError('personalAccessTokens.maxPerUser must be an integer from 1 to 1000')
  if (!Number.isInteger(defaultLifetime) || defaultLifetime < 60 || defaultLifetime > 365 * 86_400)
    throw new RangeError('personalAccessTokens.defaultLifetime must be an integer from 60 to 31536000')

  /** The end-user of the request and the scopes their access token holds. */
  const owner = (authorization: string | undefined, request: ResourceRequest, requestUrl = url) =>
    endUserOfBearer(
      context,
      authorization,
      { ...request, url: requestUrl },
      'personal access tokens are managed with an access token of the end-user, not with one of them',
    )

  return {
    async list(authorization, request = { method: 'GET' }) {
      const { subject } = await owner(authorization, request)
      const tokens = await stored(() => store.personalAccessTokens.list(subject, now()))
      return personalAccessTokenListCodec.encode({ personalAccessTokens: tokens.map(described) })
    },

    async create(authorization, body, resourceRequest = { method: 'POST' }) {
      const { subject, scope: held } = await owner(authorization, resourceRequest)
      const decoded = personalAccessTokenCreateRequestCodec.safeDecode(body)
      if (!decoded.ok) {
        const issue = decoded.error.issues[0]
        const member = issue?.path.split('/')[1]
        throw new OAuthError(
          member === 'scope' && issue?.keyword === 'pattern' ? 'invalid_scope' : 'invalid_request',
          `${issue?.path || '/'}: ${issue?.message ?? 'is invalid'}`,
        )
      }
      const request = decoded.value
      const scope = parseScopeParameter(request.scope) ?? []
      const unknown = scope.filter((s) => !scopeRegistry.has(s))
      if (unknown.length > 0) throw new OAuthError('invalid_scope', `unknown scope: ${unknown.join(' ')}`)
      const refused = scope.filter((s) => NOT_FOR_PERSONAL_TOKENS.includes(s))
      if (refused.length > 0)
        throw new OAuthError('invalid_scope', `not for personal access tokens: ${refused.join(' ')}`)
      // No more than the user's own token holds: a client given `openid` cannot widen its access this way.
      const beyond = scope.filter((s) => !held.includes(s))
      if (beyond.length > 0)
        throw new OAuthError(
          'invalid_scope',
          `the access token creating it does not hold: ${beyond.join(' ')}`,
        )
      // Admin-only scopes stay an administrator's, whatever the creating token carries.
      const adminOnly = await context.refusedScopes(subject, scope)
      if (adminOnly.length > 0)
        throw new OAuthError('invalid_scope', `only an administrator may hold: ${adminOnly.join(' ')}`)
      const t = now()
      const value = newPersonalAccessTokenValue()
      const record: PersonalAccessTokenRecord = {
        id: randomUUID(),
        tokenHash: hashOpaqueToken(value),
        subject,
        name: request.name,
        scope,
        createdAt: t,
        expiresAt: t + (request.expiresIn ?? defaultLifetime),
      }
      const outcome = await stored(() => store.personalAccessTokens.create(record, maxPerUser))
      if (outcome === 'unknown_user') throw invalidTokenError('the end-user no longer exists')
      if (outcome === 'limit_reached') {
        throw new OAuthError(
          'invalid_request',
          `a user holds at most ${maxPerUser} live personal access tokens: revoke one first`,
        )
      }
      return createdPersonalAccessTokenCodec.encode({ ...described(record), token: value })
    },

    async revoke(authorization, id, request = { method: 'DELETE' }) {
      const { subject } = await owner(authorization, request, `${url}/${encodeURIComponent(id)}`)
      // Unknown and another user's answer alike: nobody learns which ids exist.
      const revoked = UUID.test(id) && (await stored(() => store.personalAccessTokens.revoke(subject, id)))
      if (!revoked) throw new OAuthError('invalid_request', 'no such personal access token', { status: 404 })
    },
  }
}
