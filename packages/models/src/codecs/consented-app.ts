// The schema-free codec of the consents API: the validator generated from its wire schema and the mapping.
import type {
  ConsentedApp,
  ConsentedAppList,
  ConsentedAppListWire,
  ConsentedAppWire,
} from '../consented-app.js'
import { checkConsentedAppList, issuesConsentedAppList } from '../generated/validators.js'
import { type Codec, codec } from '../validation.js'

const toModel = (wire: ConsentedAppWire): ConsentedApp => ({
  clientId: wire.client_id,
  clientName: wire.client_name,
  ...(wire.logo_url === undefined ? {} : { logoUrl: wire.logo_url }),
  ...(wire.homepage_url === undefined ? {} : { homepageUrl: wire.homepage_url }),
  scope: wire.scope,
  ...(wire.resources === undefined ? {} : { resources: [...wire.resources] }),
  grantedAt: wire.granted_at,
})

const toWire = (model: ConsentedApp): ConsentedAppWire => ({
  client_id: model.clientId,
  client_name: model.clientName,
  ...(model.logoUrl === undefined ? {} : { logo_url: model.logoUrl }),
  ...(model.homepageUrl === undefined ? {} : { homepage_url: model.homepageUrl }),
  scope: model.scope,
  ...(model.resources === undefined ? {} : { resources: [...model.resources] }),
  granted_at: model.grantedAt,
})

export const consentedAppListCodec: Codec<ConsentedAppListWire, ConsentedAppList> = codec(
  'ConsentedAppList',
  { check: checkConsentedAppList, issues: issuesConsentedAppList },
  (wire) => ({ consents: wire.consents.map(toModel) }),
  (model) => ({ consents: model.consents.map(toWire) }),
)
