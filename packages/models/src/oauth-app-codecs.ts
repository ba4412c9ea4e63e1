import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
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
import { type Codec, codec, type ValidationIssue } from './validation.js'
import { type WireCodec, withSchema } from './wire-codec.js'

// App management speaks PipesHub's camelCase JSON: wire and model are one shape, so each codec maps by
// copying. These schemas are no wire schemas the ahead-of-time generator compiles (they use keywords it
// does not cover), so TypeBox compiles them at first use. Its compiler is ~150 modules on top of the
// schemas: this file is the `@pipeshub/models/oauth-apps` entry point, not part of the root one, so
// only a program that manages apps loads it (the token server's start-up does not).

/** A codec checking `schema` with TypeBox, compiled at its first use. */
function compiledCodec<Schema extends TSchema>(
  name: string,
  schema: Schema,
): WireCodec<Schema, Static<Schema>> {
  let compiled: ReturnType<typeof Compile<Schema>> | undefined
  const validator = () => {
    compiled ??= Compile(schema)
    return compiled
  }
  const base: Codec<Static<Schema>, Static<Schema>> = codec(
    name,
    {
      check: (value) => validator().Check(value),
      issues: (value) =>
        [...validator().Errors(value)].map(
          (error): ValidationIssue => ({
            path: error.instancePath,
            keyword: error.keyword,
            message: error.message,
          }),
        ),
    },
    (wire) => structuredClone(wire),
    (model) => structuredClone(model),
  )
  return withSchema(base, schema)
}

export const oauthAppCodec = compiledCodec('OAuthApp', OAuthAppWire)
export const oauthAppWithSecretCodec = compiledCodec('OAuthAppWithSecret', OAuthAppWithSecretWire)
export const createOAuthAppRequestCodec = compiledCodec('CreateOAuthAppRequest', CreateOAuthAppRequestWire)
export const updateOAuthAppRequestCodec = compiledCodec('UpdateOAuthAppRequest', UpdateOAuthAppRequestWire)
export const oauthAppListCodec = compiledCodec('OAuthAppList', OAuthAppListWire)
export const oauthAppTokenListCodec = compiledCodec('OAuthAppTokenList', OAuthAppTokenListWire)
export const revokedOAuthAppTokensCodec = compiledCodec('RevokedOAuthAppTokens', RevokedOAuthAppTokensWire)
export const scopeCatalogueCodec = compiledCodec('ScopeCatalogue', ScopeCatalogueWire)
