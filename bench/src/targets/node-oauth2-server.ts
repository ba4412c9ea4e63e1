import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Server } from 'node:http'
import OAuth2Server from '@node-oauth/oauth2-server'
import express from 'express'
import { clientCredentialsScenario, credentialScenario, listeningPort } from './client-credentials-request.js'
import { Es256AccessTokenSigner } from './es256-jwt.js'
import {
  ACCESS_TOKEN_TTL_SECONDS,
  BENCH_CLIENT,
  BENCH_USER,
  type RunningTarget,
  USER_SCOPE,
} from './target.js'

export type NodeOauth2ServerGrant = 'client_credentials' | 'refresh_token'

/**
 * @node-oauth/oauth2-server 5 on Express 5 with an in-memory model, the way its README wires it.
 * The model signs ES256 JWT access tokens with node:crypto, so that every server does the same
 * cryptographic work; refresh tokens are the library's default random values, rotated on use.
 */
export async function startNodeOauth2Server(grant: NodeOauth2ServerGrant): Promise<RunningTarget> {
  const client: OAuth2Server.Client = {
    id: BENCH_CLIENT.clientId,
    grants: ['client_credentials', 'refresh_token'],
    accessTokenLifetime: ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenLifetime: 30 * 24 * 3600,
  }
  const expectedSecret = Buffer.from(BENCH_CLIENT.clientSecret)
  const user: OAuth2Server.User = { id: BENCH_USER }
  const refreshTokens = new Map<string, OAuth2Server.RefreshToken>()
  let signer: Es256AccessTokenSigner | undefined

  const model: OAuth2Server.ClientCredentialsModel & OAuth2Server.RefreshTokenModel = {
    async getClient(clientId, clientSecret) {
      if (clientId !== client.id) return false
      const presented = Buffer.from(clientSecret ?? '')
      return presented.length === expectedSecret.length && timingSafeEqual(presented, expectedSecret)
        ? client
        : false
    },
    async getUserFromClient() {
      return { id: client.id }
    },
    async validateScope(_user, _client, scope) {
      return scope ?? []
    },
    async generateAccessToken(tokenClient, tokenUser, scope) {
      return (signer as Es256AccessTokenSigner).sign({
        sub: String(tokenUser.id),
        clientId: tokenClient.id,
        audience: 'https://api.pipeshub.com',
        scope: scope.join(' '),
        ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      })
    },
    async saveToken(token, tokenClient, tokenUser) {
      const saved = { ...token, client: tokenClient, user: tokenUser }
      if (token.refreshToken !== undefined)
        refreshTokens.set(token.refreshToken, saved as OAuth2Server.RefreshToken)
      return saved
    },
    async getAccessToken() {
      // Access tokens are self-contained JWTs; nothing to look up for the token endpoint.
      return false
    },
    async getRefreshToken(value) {
      return refreshTokens.get(value) ?? false
    },
    async revokeToken(token) {
      return refreshTokens.delete(token.refreshToken)
    },
  }

  const oauth = new OAuth2Server({ model, alwaysIssueNewRefreshToken: true, requireClientAuthentication: {} })
  const app = express()
  app.disable('x-powered-by')
  app.use(express.urlencoded({ extended: false }))
  app.post('/oauth/token', async (req, res) => {
    const request = new OAuth2Server.Request(req)
    const response = new OAuth2Server.Response(res)
    try {
      await oauth.token(request, response)
    } catch (error) {
      const status = (error as { code?: number }).code ?? 500
      res.status(status).json({ error: (error as { name?: string }).name ?? 'server_error' })
      return
    }
    res.set(response.headers as Record<string, string>)
    res.status(response.status ?? 200).json(response.body)
  })
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  const port = listeningPort(server.address())
  signer = new Es256AccessTokenSigner(`http://127.0.0.1:${port}`)

  const scenario =
    grant === 'client_credentials'
      ? clientCredentialsScenario('/oauth/token')
      : credentialScenario('refresh-chain', '/oauth/token', 'grant_type=refresh_token&refresh_token=')

  return {
    port,
    scenario,
    notes: 'Express 5, in-memory model (Map), ES256 JWT access tokens by node:crypto, refresh rotation',
    async prepare(count) {
      const issued: string[] = []
      const scope = USER_SCOPE.split(' ')
      for (let i = 0; i < count; i++) {
        const refreshToken = randomBytes(32).toString('hex')
        refreshTokens.set(refreshToken, {
          refreshToken,
          refreshTokenExpiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000),
          scope,
          client,
          user,
        })
        issued.push(refreshToken)
      }
      return issued
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
