// Copied into a blank project where @pipeshub/server and @pipeshub/client were installed from the
// registry, and run there: the last line it prints is a JSON result for release-test.mjs.
// Uses only the packages' public entry points, as their READMEs document them.
import { createServer } from 'node:net'
import * as client from '@pipeshub/client'
import * as server from '@pipeshub/server'
import * as sqlite from '@pipeshub/server/sqlite'

const missing = [
  ['@pipeshub/server', server, 'buildAuthorizationServerApp'],
  ['@pipeshub/server/sqlite', sqlite, 'openSqliteStore'],
  ['@pipeshub/client', client, 'OAuthClient'],
].filter(([, module, name]) => typeof module[name] !== 'function')
if (missing.length > 0) {
  const names = missing.map(([pkg, , name]) => `${pkg} ${name}`).join(', ')
  console.log(JSON.stringify({ notReady: `not exported yet: ${names}` }))
  process.exit(0)
}

// The issuer is part of every token and of discovery, so the port is chosen before the app is built.
const port = await new Promise((resolvePort, reject) => {
  const probe = createServer()
  probe.on('error', reject)
  probe.listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address()
    probe.close(() => resolvePort(free))
  })
})
const issuer = `http://127.0.0.1:${port}`
const store = sqlite.openSqliteStore({ path: './oauth.db' })
const app = await server.buildAuthorizationServerApp({ issuer, store })
try {
  const { client: registered, clientSecret } = await app.authorizationServer.registerClient({
    name: 'release test service',
    grantTypes: ['client_credentials'],
    scopes: ['kb:read', 'kb:write'],
  })
  await app.listen({ host: '127.0.0.1', port })

  const oauthClient = await client.OAuthClient.fromIssuer(issuer, {
    clientId: registered.clientId,
    clientSecret,
    timeoutMs: 10_000,
  })
  const tokens = await oauthClient.clientCredentials({
    scope: 'kb:read',
    signal: AbortSignal.timeout(10_000),
  })
  const problems = []
  if (typeof tokens.accessToken !== 'string' || tokens.accessToken.split('.').length !== 3) {
    problems.push(`accessToken is not a JWT: ${tokens.accessToken}`)
  }
  if (tokens.tokenType?.toLowerCase() !== 'bearer') problems.push(`tokenType is ${tokens.tokenType}`)
  if (!(tokens.expiresIn > 0)) problems.push(`expiresIn is ${tokens.expiresIn}`)
  if (tokens.scope !== 'kb:read') problems.push(`scope is ${tokens.scope}`)
  if (tokens.refreshToken !== undefined) problems.push('client_credentials returned a refresh token')
  // The server that issued the token accepts it: signature, issuer, audience and client all check out.
  const claims = await app.authorizationServer.verifyAccessToken(tokens.accessToken)
  if (claims.client_id !== registered.clientId && claims.clientId !== registered.clientId) {
    problems.push(`the token's client_id is ${claims.client_id ?? claims.clientId}`)
  }
  if (problems.length > 0) throw new Error(problems.join('; '))
  console.log(
    JSON.stringify({ detail: `Bearer JWT, expires in ${tokens.expiresIn}s, scope ${tokens.scope}` }),
  )
} finally {
  await app.close()
  await store.close()
}
