// Starts an authorization server on a SQLite file, registers one client and prints a curl command.
// Run from packages/server after `pnpm build`: node examples/serve-sqlite.mjs
import { buildAuthorizationServerApp } from '@pipeshub/server'
import { openSqliteStore } from '@pipeshub/server/sqlite'

const port = Number(process.env.PORT ?? 4000)
const issuer = `http://127.0.0.1:${port}`
const store = openSqliteStore({ path: process.env.OAUTH_DB ?? './oauth.db' })
const app = await buildAuthorizationServerApp({ issuer, store })
const { client, clientSecret } = await app.authorizationServer.registerClient({
  name: 'demo service',
  grantTypes: ['client_credentials'],
  scopes: ['kb:read', 'kb:write'],
})
await app.listen({ host: '127.0.0.1', port })
console.log(`issuer ${issuer}`)
console.log(
  `curl -s -u '${client.clientId}:${clientSecret}' -d grant_type=client_credentials -d scope=kb:read ${issuer}/api/v1/oauth2/token`,
)
const stop = async () => {
  await app.close()
  await store.close()
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
