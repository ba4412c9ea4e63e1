import Fastify from 'fastify'
import { clientCredentialsScenario, listeningPort } from './client-credentials-request.js'
import { acceptFormBodies } from './form-body.js'
import type { RunningTarget } from './target.js'

/** The HTTP floor: bare Fastify parsing the same form request and answering a fixed JSON body. */
export async function startHttpFloor(): Promise<RunningTarget> {
  const app = Fastify({ logger: false })
  acceptFormBodies(app)
  const body = JSON.stringify({
    access_token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJmbG9vciJ9.c2lnbmF0dXJl',
    token_type: 'Bearer',
    expires_in: 3600,
    scope: 'kb:read kb:write',
  })
  app.post('/token', async (_request, reply) => {
    reply.header('cache-control', 'no-store').type('application/json')
    return body
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    port: listeningPort(app.server.address()),
    scenario: clientCredentialsScenario('/token'),
    notes: 'Fastify 5, no auth, fixed pre-serialised body',
    close: () => app.close(),
  }
}
