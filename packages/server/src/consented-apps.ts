import type { ConsentedAppListWire } from '@pipeshub/models'
import { consentedAppListCodec } from '@pipeshub/models'
import { endUserOfBearer } from './end-user-bearer.js'
import type { ResourceRequest } from './endpoints/presented-access-token.js'
import { OAuthError, stored } from './errors.js'
import type { ServerContext } from './server-context.js'
import type { ConsentedApp } from './store/types.js'

/**
 * The apps an end-user allowed, and taking one back: what the consent page's "you can change your mind
 * later" stands on. Revoking deletes the consent, so the next authorization request asks again, and
 * revokes every grant of the user at the app (its refresh tokens answer `invalid_grant`, its access
 * tokens introspect inactive, its pending codes and device codes are refused).
 */
export interface ConsentedApps {
  /** The user's consents to apps that exist, oldest first, with each app's name, logo and home page. */
  listFor(subject: string): Promise<ConsentedApp[]>
  /**
   * Takes back the user's consent to `clientId` and revokes their tokens there; false when the user has
   * no consent there (or the app is unknown).
   */
  revokeFor(subject: string, clientId: string): Promise<boolean>
  /**
   * `GET <consents>`: for the end-user of an access token carrying `openid`, Bearer or DPoP-bound (then
   * with its proof in `request.dpop`, RFC 9449 §7).
   */
  list(authorization: string | undefined, request?: ResourceRequest): Promise<ConsentedAppListWire>
  /** `DELETE <consents>/:clientId`; `invalid_request` 404 when the user has no consent there. */
  revoke(authorization: string | undefined, clientId: string, request?: ResourceRequest): Promise<void>
}

const described = (consent: ConsentedApp) => ({
  clientId: consent.clientId,
  clientName: consent.clientName,
  ...(consent.logoUrl === null ? {} : { logoUrl: consent.logoUrl }),
  ...(consent.homepageUrl === null ? {} : { homepageUrl: consent.homepageUrl }),
  scope: consent.scope.join(' '),
  ...(consent.resources.length === 0 ? {} : { resources: [...consent.resources] }),
  grantedAt: consent.grantedAt,
})

/** Longer than any client id this server makes or accepts: looked up, it could only miss. */
const MAX_CLIENT_ID_LENGTH = 1000

/** `url`: the consents as clients call them (a DPoP proof's `htu`; one app is `<url>/<clientId>`). */
export function createConsentedApps(context: ServerContext, url: string): ConsentedApps {
  const { store, now } = context
  const owner = (authorization: string | undefined, request: ResourceRequest, requestUrl = url) =>
    endUserOfBearer(
      context,
      authorization,
      { ...request, url: requestUrl },
      'the apps a user allowed are managed with an access token of the end-user, not a personal access token',
    )

  const apps: ConsentedApps = {
    listFor: (subject) => stored(() => store.consents.list(subject)),

    async revokeFor(subject, clientId) {
      if (clientId === '' || clientId.length > MAX_CLIENT_ID_LENGTH) return false
      const consent = await stored(() => store.consents.get(subject, clientId))
      if (consent === undefined) return false
      // Tokens first: should the consent's deletion fail, a retry still finds it and finishes the job;
      // the other order could leave live tokens behind a consent already gone from the list.
      await stored(() => store.grants.revoke({ clientId, subject }, now()))
      await stored(() => store.consents.delete(subject, clientId))
      return true
    },

    async list(authorization, request = { method: 'GET' }) {
      const { subject } = await owner(authorization, request)
      const consents = await apps.listFor(subject)
      return consentedAppListCodec.encode({ consents: consents.map(described) })
    },

    async revoke(authorization, clientId, request = { method: 'DELETE' }) {
      const { subject } = await owner(authorization, request, `${url}/${encodeURIComponent(clientId)}`)
      // Another user's consent and an unknown app answer alike: nobody learns whom an app serves.
      if (!(await apps.revokeFor(subject, clientId)))
        throw new OAuthError('invalid_request', 'the end-user has not allowed this app', { status: 404 })
    },
  }
  return apps
}
