import type { AuthorizationServer } from '@pipeshub/server'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { CONNECTED_APPS_PATH, connectedAppsPage, loginPage } from '../pages/pages.js'
import { FORM_EXPIRED, type Interaction } from './interaction.js'
import { acceptPageForms, type Form, sendPage } from './page-form.js'

export interface ConnectedAppsOptions {
  authorizationServer: AuthorizationServer
  /** The sessions, sign-in and CSRF tokens of the login and consent pages. */
  interaction: Interaction
  /** A resource's human-readable name (RFC 9728 resource_name), when known. */
  resourceName?: ((resource: string) => string | undefined) | undefined
}

/**
 * `CONNECTED_APPS_PATH`: the apps the signed-in person allowed, with a button per app that takes it back
 * (its tokens revoked, its consent forgotten: it must ask again). Without a session the page is a sign-in
 * form posting here. Every POST carries the CSRF token of the browser's forms.
 */
export async function connectedAppsRoutes(
  app: FastifyInstance,
  options: ConnectedAppsOptions,
): Promise<void> {
  const { authorizationServer, interaction, resourceName } = options
  const consentedApps = authorizationServer.consentedApps
  acceptPageForms(app)

  const signInPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status = 200,
    username?: string,
    error?: string,
  ) =>
    sendPage(
      reply,
      status,
      loginPage({
        action: CONNECTED_APPS_PATH,
        hidden: { csrf_token: await interaction.csrf.tokenFor(request, reply) },
        username,
        error,
      }),
    )

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    user: { subject: string; name: string | null; username: string },
    status = 200,
    message: { notice?: string; error?: string } = {},
  ) => {
    const apps = await consentedApps.listFor(user.subject)
    return sendPage(
      reply,
      status,
      connectedAppsPage({
        action: CONNECTED_APPS_PATH,
        csrfToken: await interaction.csrf.tokenFor(request, reply),
        userName: user.name ?? user.username,
        apps: apps.map((consent) => ({
          clientId: consent.clientId,
          clientName: consent.clientName,
          homepageUrl: consent.homepageUrl,
          scope: consent.scope,
          resources: consent.resources.map((resource) => {
            const name = resourceName?.(resource)
            return name === undefined ? { resource } : { resource, name }
          }),
          grantedAt: consent.grantedAt,
        })),
        ...message,
      }),
    )
  }

  const pageResponse = (what: string) => ({
    200: { description: `HTML page: ${what}`, content: { 'text/html': { schema: Type.String() } } },
  })
  app.get(
    CONNECTED_APPS_PATH,
    {
      schema: {
        summary: 'The apps the signed-in person allowed, each with a button taking it back',
        tags: ['pages'],
        response: pageResponse('the apps, or the sign-in form'),
      },
    },
    async (request, reply) => {
      const signedIn = await interaction.currentUser(request)
      if (signedIn === undefined) return signInPage(request, reply)
      return listPage(request, reply, signedIn.user)
    },
  )
  app.post(
    CONNECTED_APPS_PATH,
    {
      schema: {
        summary: 'The sign-in form and the remove buttons of the apps page post here',
        tags: ['pages'],
        response: {
          ...pageResponse('the apps after the change'),
          401: {
            description: 'HTML page: the sign-in form (no session, or a failed sign-in)',
            content: { 'text/html': { schema: Type.String() } },
          },
          403: {
            description: 'HTML page: the form expired (CSRF token missing or wrong)',
            content: { 'text/html': { schema: Type.String() } },
          },
          404: {
            description: 'HTML page: the app was not allowed (already removed)',
            content: { 'text/html': { schema: Type.String() } },
          },
        },
      },
    },
    async (request, reply) => {
      const form = (request.body as Form | undefined) ?? {}
      if (form.password !== undefined) {
        const outcome = await interaction.signIn(request, reply, form)
        if (!outcome.signedIn)
          return signInPage(request, reply, outcome.status, outcome.username, outcome.error)
        // After a form POST, 303 makes the browser show the list with a GET (a reload posts nothing).
        return reply.redirect(CONNECTED_APPS_PATH, 303)
      }
      const signedIn = await interaction.currentUser(request)
      if (signedIn === undefined) return signInPage(request, reply, 401)
      const { user } = signedIn
      if (!(await interaction.csrf.verify(request, form.csrf_token)))
        return listPage(request, reply, user, 403, { error: FORM_EXPIRED })
      const clientId = form.client_id ?? ''
      const apps = await consentedApps.listFor(user.subject)
      const name = apps.find((consent) => consent.clientId === clientId)?.clientName
      if (name === undefined || !(await consentedApps.revokeFor(user.subject, clientId)))
        return listPage(request, reply, user, 404, { error: 'That app was already removed.' })
      request.log.info(
        { event: 'consent_revoked', subject: user.subject, client_id: clientId },
        'consent revoked',
      )
      return listPage(request, reply, user, 200, { notice: `${name} can no longer access your account.` })
    },
  )
}
