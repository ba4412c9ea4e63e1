import { wireSchemas } from '@pipeshub/models'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { createAuthorizationServer } from '../authorization-server.js'
import { createMemoryStore } from '../store/memory.js'
import { ISSUER } from '../test-support/fixtures.js'
import { oauth2Plugin } from './plugin.js'
import { oauthRouteSchemas, oauthSecuritySchemes } from './route-schemas.js'

describe('oauthRouteSchemas', () => {
  it('describes every route the plugin mounts, under any prefix, with the models wire schemas', async () => {
    const authorizationServer = createAuthorizationServer({
      issuer: ISSUER,
      store: createMemoryStore(),
      prefix: '/auth',
      // With registration configured and app management mounted, so that their routes are mounted too.
      registration: {},
    })
    const app = Fastify()
    const mounted = new Set<string>()
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      // The 405 guards (other methods) are hidden; 404 catch-alls answer only errors.
      if ((route.schema as { hide?: boolean } | undefined)?.hide === true) return
      if (route.url.includes('*')) return
      for (const method of methods) if (method !== 'HEAD') mounted.add(`${method.toLowerCase()} ${route.url}`)
    })
    await app.register(oauth2Plugin, { authorizationServer, appManagement: true })
    await app.ready()
    const schemas = oauthRouteSchemas(authorizationServer.paths)
    expect([...schemas.keys()].sort()).toEqual([...mounted].sort())
    expect(schemas.get('post /auth/oauth2/token')?.response[200]).toMatchObject({
      content: { 'application/json': { schema: wireSchemas.OAuthTokenResponse } },
      headers: { 'Cache-Control': { required: true }, Pragma: { required: true } },
    })
    expect(schemas.get('get /.well-known/jwks.json')?.response[200]).toBe(wireSchemas.JsonWebKeySet)
    // Every operation says how it is authenticated, and only with declared schemes.
    for (const [key, schema] of schemas) {
      for (const requirement of schema.security) {
        for (const name of Object.keys(requirement))
          expect(Object.keys(oauthSecuritySchemes), key).toContain(name)
      }
    }
    expect(schemas.get('get /auth/oauth2/userinfo')?.security).toEqual([
      { bearerAccessToken: [] },
      { dpopAccessToken: [] },
      { personalAccessToken: [] },
    ])
    expect(schemas.get('post /auth/personal-access-tokens')?.body).toBe(
      wireSchemas.PersonalAccessTokenCreateRequest,
    )
    await app.close()
  })
})
