import { timingSafeEqual } from 'node:crypto'
import Fastify from 'fastify'
import { clientCredentialsScenario, listeningPort } from './client-credentials-request.js'
import { Es256AccessTokenSigner } from './es256-jwt.js'
import { acceptFormBodies } from './form-body.js'
import { ACCESS_TOKEN_TTL_SECONDS, BENCH_CLIENT, type RunningTarget } from './target.js'

function secretMatches(presented: string, expected: Buffer): boolean {
  const candidate = Buffer.from(presented)
  return candidate.length === expected.length && timingSafeEqual(candidate, expected)
}

/**
 * The crypto floor: bare Fastify checking client_secret_basic and signing one ES256 JWT with
 * `node:crypto`; no store, no validation library. What any token server must at least spend.
 */
export async function startCryptoFloor(): Promise<RunningTarget> {
  const app = Fastify({ logger: false })
  acceptFormBodies(app)
  const expectedSecret = Buffer.from(BENCH_CLIENT.clientSecret)
  let signer: Es256AccessTokenSigner | undefined
  app.post('/token', async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
    const authorization = request.headers.authorization ?? ''
    const decoded = authorization.startsWith('Basic ')
      ? Buffer.from(authorization.slice(6), 'base64').toString()
      : ''
    const colon = decoded.indexOf(':')
    const clientId = decodeURIComponent(decoded.slice(0, colon))
    const secret = decodeURIComponent(decoded.slice(colon + 1))
    if (colon < 0 || clientId !== BENCH_CLIENT.clientId || !secretMatches(secret, expectedSecret)) {
      return reply.code(401).send({ error: 'invalid_client' })
    }
    const body = request.body as Record<string, string | undefined>
    if (body.grant_type !== 'client_credentials') {
      return reply.code(400).send({ error: 'unsupported_grant_type' })
    }
    const scope = body.scope ?? ''
    signer ??= new Es256AccessTokenSigner(`http://127.0.0.1:${listeningPort(app.server.address())}`)
    const accessToken = signer.sign({
      sub: clientId,
      clientId,
      audience: 'https://api.pipeshub.com',
      scope,
      ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    })
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS, scope }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    port: listeningPort(app.server.address()),
    scenario: clientCredentialsScenario('/token'),
    notes: 'Fastify 5, client_secret_basic, one ES256 JWT by node:crypto, no store',
    close: () => app.close(),
  }
}
