import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AuthorizationServerApp,
  type AuthorizationServerAppOptions,
  buildAuthorizationServerApp,
  createMemoryStore,
} from '@pipeshub/server'

export const USER = {
  subject: 'user-ada',
  username: 'ada',
  passwordHash: null,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  emailVerified: true,
  createdAt: 0,
}

/** `login_hint=deny` makes the stand-in end-user refuse consent; anything else approves. */
export const DENY_HINT = 'deny'

export interface LoopbackAuthorizationServer {
  readonly issuer: string
  readonly app: AuthorizationServerApp
  /** The node:http server (for a test to add routes in front of the app). */
  readonly server: Server
  close(): Promise<void>
}

/**
 * The real `@pipeshub/server` on 127.0.0.1 and a free port, with a memory store and an `authorize`
 * hook standing in for the login/consent page of a real deployment (the user is already logged in).
 * The issuer URL must be known before the app is built, but a port-0 listener only learns its port
 * when it listens; so a front node:http server listens first (its URL is the issuer) and forwards
 * every request, as a plain reverse proxy, to the app listening on its own port 0.
 */
export async function startAuthorizationServer(
  options: Partial<AuthorizationServerAppOptions> = {},
  /** Answers a request before the app does (returns true when it did): a test page, for one. */
  intercept?: (request: IncomingMessage, response: ServerResponse) => boolean,
): Promise<LoopbackAuthorizationServer> {
  let route: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  const server = createServer((req, res) => {
    if (intercept?.(req, res)) return
    if (route === undefined) {
      res.statusCode = 503
      res.end()
      return
    }
    route(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`
  const store = createMemoryStore()
  await store.users.create({ ...USER, createdAt: Math.floor(Date.now() / 1000) })
  const app = await buildAuthorizationServerApp({
    issuer,
    store,
    async authorize({ reply, authorizationRequest, parameters, authorizationServer }) {
      if (parameters.login_hint === DENY_HINT) {
        return reply.redirect(authorizationServer.denyAuthorization(authorizationRequest), 302)
      }
      const location = await authorizationServer.issueAuthorizationCode({
        request: authorizationRequest,
        subject: USER.subject,
        authTime: authorizationServer.now(),
      })
      return reply.redirect(location, 302)
    },
    ...options,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const backend = app.server.address() as AddressInfo
  route = (req, res) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: backend.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  }
  return {
    issuer,
    app,
    server,
    async close() {
      await app.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
