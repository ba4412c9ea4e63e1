import { AuthorizationConsentWire, AuthorizationRedirectWire } from './authorization-consent.js'
import { compiledCodec } from './compiled-codec.js'
import {
  CreateOAuthAppRequestWire,
  OAuthAppListWire,
  OAuthAppTokenListWire,
  OAuthAppWire,
  OAuthAppWithSecretWire,
  RevokedOAuthAppTokensWire,
  UpdateOAuthAppRequestWire,
} from './oauth-app.js'
import { ScopeCatalogueWire } from './scope-catalogue.js'

// App management speaks PipesHub's camelCase JSON: wire and model are one shape, so each codec maps by
// copying. These schemas are no wire schemas the ahead-of-time generator compiles (they use keywords it
// does not cover), so TypeBox compiles them at first use. Its compiler is ~150 modules on top of the
// schemas: this file is the `@pipeshub/models/oauth-apps` entry point, not part of the root one, so
// only a program that manages apps loads it (the token server's start-up does not).

export const oauthAppCodec = compiledCodec('OAuthApp', OAuthAppWire)
export const oauthAppWithSecretCodec = compiledCodec('OAuthAppWithSecret', OAuthAppWithSecretWire)
export const createOAuthAppRequestCodec = compiledCodec('CreateOAuthAppRequest', CreateOAuthAppRequestWire)
export const updateOAuthAppRequestCodec = compiledCodec('UpdateOAuthAppRequest', UpdateOAuthAppRequestWire)
export const oauthAppListCodec = compiledCodec('OAuthAppList', OAuthAppListWire)
export const oauthAppTokenListCodec = compiledCodec('OAuthAppTokenList', OAuthAppTokenListWire)
export const revokedOAuthAppTokensCodec = compiledCodec('RevokedOAuthAppTokens', RevokedOAuthAppTokensWire)
export const scopeCatalogueCodec = compiledCodec('ScopeCatalogue', ScopeCatalogueWire)
// The authorization endpoint's JSON for PipesHub's frontend (PIPESHUB_FRONTEND_URL).
export const authorizationConsentCodec = compiledCodec('AuthorizationConsent', AuthorizationConsentWire)
export const authorizationRedirectCodec = compiledCodec('AuthorizationRedirect', AuthorizationRedirectWire)
