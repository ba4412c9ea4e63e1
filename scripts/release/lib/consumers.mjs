// What a user's project does with each installed package: a TypeScript file that uses its public
// API (type-checked, not run), and the token round trip (run) between the installed client and server.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run } from './workspace.mjs'

const typescriptConsumers = {
  '@pipeshub/models': {
    needsNodeTypes: false,
    typescript: `import { decodeTokenResponse, type OAuthTokenResponse } from '@pipeshub/models'

const response: OAuthTokenResponse = decodeTokenResponse({ access_token: 'a', token_type: 'Bearer', expires_in: 60 })
const accessToken: string | undefined = response.accessToken
export { accessToken }
`,
  },
  '@pipeshub/client': {
    needsNodeTypes: false,
    typescript: `import { OAuthClient, OAuthError, type OAuthTokenResponse } from '@pipeshub/client'

export async function serviceToken(issuer: string, clientId: string, clientSecret: string): Promise<string> {
  const client = await OAuthClient.fromIssuer(issuer, { clientId, clientSecret })
  try {
    const tokens: OAuthTokenResponse = await client.clientCredentials({ scope: ['kb:read'] })
    return tokens.accessToken ?? ''
  } catch (error) {
    if (error instanceof OAuthError) return error.error
    throw error
  }
}
`,
  },
  '@pipeshub/server': {
    needsNodeTypes: true,
    typescript: `import { buildAuthorizationServerApp, createMemoryStore, OAuthError } from '@pipeshub/server'

export async function serve(): Promise<string> {
  const store = createMemoryStore()
  const app = await buildAuthorizationServerApp({ issuer: 'http://127.0.0.1:4000', store })
  try {
    const { client } = await app.authorizationServer.registerClient({
      name: 'service',
      grantTypes: ['client_credentials'],
      scopes: ['kb:read'],
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    return client.clientId
  } catch (error) {
    if (error instanceof OAuthError) return error.error
    throw error
  } finally {
    await app.close()
  }
}
`,
  },
}

export function consumerSources(name) {
  const sources = typescriptConsumers[name]
  if (sources) return sources
  return {
    needsNodeTypes: true,
    typescript: `import * as api from '${name}'\n\nexport const exported: readonly string[] = Object.keys(api)\n`,
  }
}

/**
 * Starts a token server from the installed @pipeshub/server (its documented public API), registers a
 * confidential client, and has the installed @pipeshub/client run the client_credentials grant.
 * Resolves `{ detail }` on success, `{ notReady }` when a package does not export the API yet.
 */
export async function tokenRoundTrip(dir, env) {
  const script = join(dir, 'token-round-trip.mjs')
  writeFileSync(script, readFileSync(new URL('./token-round-trip.mjs', import.meta.url), 'utf8'))
  const { stdout } = await run(process.execPath, [script], { cwd: dir, env, timeoutMs: 60_000 })
  const lastLine = stdout.trim().split('\n').at(-1) ?? '{}'
  return JSON.parse(lastLine)
}
