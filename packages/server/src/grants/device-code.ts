import { randomUUID } from 'node:crypto'
import { DEVICE_CODE_GRANT_TYPE, DeviceCodeTokenRequestWire } from '@pipeshub/models'
import { OAuthError, stored } from '../errors.js'
import { required } from '../request-parameters.js'
import { hashOpaqueToken } from '../secrets.js'
import { isUserDisabled } from '../user-status.js'
import { type Grant, refreshTokenBinding, requireGrant } from './grant.js'

// RFC 6749 §5.2: every error of the token endpoint is a 400, access_denied included (RFC 8628 §3.5).
const pollError = (code: string, description: string) => new OAuthError(code, description, { status: 400 })

/**
 * RFC 8628 §3.4-§3.5: the device polls with the device code of `deviceAuthorization` until the end-user
 * decided on the verification page. `authorization_pending` while undecided, `slow_down` (and 5 more
 * seconds of interval) when it polls too fast, `access_denied`, `expired_token`; once approved, one
 * poll gets the tokens and the code is used up (later polls: `invalid_grant`).
 */
export const deviceCodeGrant: Grant<typeof DEVICE_CODE_GRANT_TYPE> = {
  type: DEVICE_CODE_GRANT_TYPE,
  parameters: DeviceCodeTokenRequestWire,
  create({ store, now, tokens }) {
    return async ({ params, client, method, dpop }) => {
      const deviceCode = required(params, 'device_code')
      requireGrant(client.grantTypes, DEVICE_CODE_GRANT_TYPE)
      const hash = hashOpaqueToken(deviceCode)
      const t = now()
      const polled = await stored(() => store.deviceCodes.poll(hash, t))
      // Another client's code is answered as an unknown one: a device code says nothing about others.
      if (polled.outcome === 'not_found' || polled.deviceCode.clientId !== client.clientId)
        throw new OAuthError('invalid_grant', 'the device code is invalid')
      const record = polled.deviceCode
      if (record.status === 'consumed')
        throw new OAuthError('invalid_grant', 'the device code was already used')
      if (record.expiresAt <= t) throw pollError('expired_token', 'the device code expired')
      if (record.status === 'denied') throw pollError('access_denied', 'the end-user denied the request')
      if (polled.outcome === 'slow_down')
        throw pollError('slow_down', `polling too fast: wait ${record.interval} seconds between requests`)
      if (record.status === 'pending')
        throw pollError('authorization_pending', 'the end-user has not yet approved the request')

      const subject = record.subject ?? ''
      if (await isUserDisabled(store, subject))
        throw new OAuthError('invalid_grant', 'the user who approved the device code is disabled')
      const authTime = record.authTime ?? t
      const scope = record.scope
      const familyId = randomUUID()
      // Sign before the atomic step, so nothing can fail between consuming the code and answering.
      const signed = await tokens.sign({
        client,
        subject,
        scope,
        resources: record.resources,
        issuedAt: t,
        user: { authTime, nonce: null },
        dpopJkt: dpop?.jkt,
      })
      const { refreshToken, record: refreshTokenRecord } = tokens.refreshToken(
        client,
        { familyId, subject, scope, authTime, dpopJkt: refreshTokenBinding(client, method, dpop) },
        signed,
        t,
      )
      const consumed = await stored(() =>
        store.deviceCodes.consume(hash, t, {
          accessTokenJti: signed.jti,
          accessTokenExpiresAt: signed.expiresAt,
          familyId,
          refreshToken: refreshTokenRecord,
        }),
      )
      if (!consumed) throw new OAuthError('invalid_grant', 'the device code was already used')
      return tokens.response(signed, scope, refreshToken)
    }
  },
}
