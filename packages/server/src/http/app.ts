import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import {
  type AuthorizationServer,
  type AuthorizationServerOptions,
  createAuthorizationServer,
} from '../authorization-server.js'
import { oauthClientErrorHandler, oauthFrameworkErrors, oauthNotFoundHandler } from './framework-errors.js'
import { type AuthorizationHook, oauth2Plugin } from './plugin.js'

export interface AuthorizationServerAppOptions extends AuthorizationServerOptions {
  authorize?: AuthorizationHook
  bodyLimit?: number
  /** Mount PipesHub's OAuth app management API (`/api/v1/oauth-clients`; default off). */
  appManagement?: boolean
  /** Fastify logger option (default: off). */
  logger?: FastifyServerOptions['logger']
}

export type AuthorizationServerApp = FastifyInstance & { readonly authorizationServer: AuthorizationServer }

/**
 * A Fastify instance serving one authorization server on PipesHub's routes: for tests, examples and
 * small deployments. `await app.listen({ host: '127.0.0.1', port: 0 })` starts it; until then more routes
 * and hooks can be added.
 */
export async function buildAuthorizationServerApp(
  options: AuthorizationServerAppOptions,
): Promise<AuthorizationServerApp> {
  const { authorize, bodyLimit, logger, appManagement, ...serverOptions } = options
  const authorizationServer = createAuthorizationServer(serverOptions)
  const app = Fastify({
    logger: logger ?? false,
    trustProxy: false,
    // What Fastify and Node answer before any route runs is an OAuth error too.
    frameworkErrors: oauthFrameworkErrors,
    clientErrorHandler: oauthClientErrorHandler,
  })
  app.decorate('authorizationServer', authorizationServer)
  app.setNotFoundHandler(oauthNotFoundHandler)
  await app.register(oauth2Plugin, {
    authorizationServer,
    ...(authorize === undefined ? {} : { authorize }),
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
    ...(appManagement === undefined ? {} : { appManagement }),
  })
  return app as unknown as AuthorizationServerApp
}
