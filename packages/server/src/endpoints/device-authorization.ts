import type { DeviceAuthorizationResponse } from '@pipeshub/models'
import { formatUserCode, generateUserCode, hashUserCode, normalizeUserCode } from '../device-user-code.js'
import { OAuthError, storageFailure, stored } from '../errors.js'
import { requireGrant } from '../grants/grant.js'
import {
  checkCharacters,
  param,
  type RequestCredentials,
  type RequestParameters,
} from '../request-parameters.js'
import { assertScopesAllowed, parseScopeParameter } from '../scopes.js'
import { generateOpaqueToken, hashOpaqueToken } from '../secrets.js'
import type { ServerContext } from '../server-context.js'
import type { ClientRecord, DeviceCodeRecord } from '../store/types.js'

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
/** Attempts at a user code not already stored (a collision is ~1 in 2^34 per live code). */
const USER_CODE_ATTEMPTS = 3

export interface DeviceAuthorizationOptions {
  /** The end-user verification URI (RFC 8628 §3.2): the page where people type the user code. */
  verificationUri: string
}

/** A pending device authorization as the verification page shows it (RFC 8628 §3.3). */
export interface PendingDeviceAuthorization {
  /** The user code as people read it, `XXXX-XXXX`. */
  userCode: string
  client: ClientRecord
  scope: string[]
  resources: string[]
  expiresAt: number
}

/** What the end-user decided on the verification page. */
export type DeviceAuthorizationUserDecision =
  | { approved: true; subject: string; authTime: number; scope?: readonly string[] }
  | { approved: false; subject?: string | null; authTime?: number | null }

export interface DeviceAuthorizationEndpoint {
  /** RFC 8628 §3.1-§3.2: authenticates the client and answers the device and user codes. */
  authorize(params: RequestParameters, credentials: RequestCredentials): Promise<DeviceAuthorizationResponse>
  /** The pending, unexpired authorization of a user code as typed (normalized first), for the page. */
  find(userCode: string): Promise<PendingDeviceAuthorization | undefined>
  /**
   * Records the end-user's decision on a pending authorization, once: false when the code is unknown,
   * expired, or already decided. An approval may grant fewer scopes than requested, never others.
   */
  decide(userCode: string, decision: DeviceAuthorizationUserDecision): Promise<boolean>
}

export function createDeviceAuthorizationEndpoint(
  context: ServerContext,
  options: DeviceAuthorizationOptions,
): DeviceAuthorizationEndpoint {
  const { store, now, scopeRegistry, resourcePolicies, settings } = context
  const verificationUri = new URL(options.verificationUri)

  const pending = async (userCode: string): Promise<DeviceCodeRecord | undefined> => {
    const normalized = normalizeUserCode(userCode)
    if (normalized === undefined) return undefined
    return stored(() => store.deviceCodes.findPendingByUserCode(hashUserCode(normalized), now()))
  }

  return {
    async authorize(params, credentials) {
      checkCharacters(params)
      const { client } = await context.authenticate(params, credentials)
      requireGrant(client.grantTypes, DEVICE_CODE)
      const scope = parseScopeParameter(param(params, 'scope'))
      if (scope === undefined) throw new OAuthError('invalid_scope', 'scope is required')
      assertScopesAllowed(scope, scopeRegistry, client.scopes)
      const resources = resourcePolicies.parse(params.resource)
      resourcePolicies.assertScopesAccepted(resources, scope)
      const t = now()
      const deviceCode = generateOpaqueToken()
      for (let attempt = 1; ; attempt++) {
        const userCode = generateUserCode()
        const normalized = normalizeUserCode(userCode) as string
        try {
          await store.deviceCodes.create({
            deviceCodeHash: hashOpaqueToken(deviceCode),
            userCodeHash: hashUserCode(normalized),
            clientId: client.clientId,
            scope,
            resources,
            interval: settings.devicePollingInterval,
            expiresAt: t + settings.deviceCodeLifetime,
            createdAt: t,
            lastPolledAt: null,
            status: 'pending',
            subject: null,
            authTime: null,
            decidedAt: null,
            consumedAt: null,
            issuedFamilyId: null,
          })
        } catch (error) {
          if (attempt < USER_CODE_ATTEMPTS) continue
          throw storageFailure(error)
        }
        const complete = new URL(verificationUri)
        complete.searchParams.set('user_code', userCode)
        return {
          deviceCode,
          userCode,
          verificationUri: verificationUri.href,
          verificationUriComplete: complete.href,
          expiresIn: settings.deviceCodeLifetime,
          interval: settings.devicePollingInterval,
        }
      }
    },

    async find(userCode) {
      const record = await pending(userCode)
      if (record === undefined) return undefined
      const client = await stored(() => store.clients.get(record.clientId))
      if (client === undefined || client.disabledAt !== null) return undefined
      return {
        userCode: formatUserCode(normalizeUserCode(userCode) as string),
        client,
        scope: [...record.scope],
        resources: [...record.resources],
        expiresAt: record.expiresAt,
      }
    },

    async decide(userCode, decision) {
      const normalized = normalizeUserCode(userCode)
      if (normalized === undefined) return false
      const hash = hashUserCode(normalized)
      const t = now()
      if (decision.approved) {
        const record = await stored(() => store.deviceCodes.findPendingByUserCode(hash, t))
        if (record === undefined) return false
        const scope = decision.scope === undefined ? record.scope : [...new Set(decision.scope)]
        for (const s of scope) {
          if (!record.scope.includes(s)) throw new OAuthError('invalid_scope', `scope ${s} was not requested`)
        }
        if (scope.length === 0)
          throw new OAuthError('invalid_scope', 'no scope is granted: deny the request instead')
        const decided = await stored(() =>
          store.deviceCodes.decide(hash, t, { ...decision, approved: true, scope }),
        )
        return decided !== undefined
      }
      return (await stored(() => store.deviceCodes.decide(hash, t, decision))) !== undefined
    },
  }
}
