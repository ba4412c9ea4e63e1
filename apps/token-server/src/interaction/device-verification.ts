import type { AuthorizationServer } from '@pipeshub/server'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { deviceResultPage, userCodePage } from '../pages/pages.js'
import type { Interaction } from './interaction.js'
import { acceptPageForms, type Form, sendPage } from './page-form.js'

/** Where people type a device's user code: the library's default `verification_uri` (`<issuer>/device`). */
export const DEVICE_VERIFICATION_PATH = '/device'

const UNKNOWN_CODE =
  'This code is not valid or has expired. Check the code on your device, or start again there.'
export interface DeviceVerificationOptions {
  authorizationServer: AuthorizationServer
  /** The login and consent pages, posting back to `DEVICE_VERIFICATION_PATH`. */
  interaction: Interaction
}

/**
 * RFC 8628 §3.3: the verification page. `GET /device` asks for the code; `GET /device?user_code=...`
 * (`verification_uri_complete`, or the form) continues with the existing login and consent pages, the
 * consent page showing the code to check against the device (§5.4), and records the decision once.
 * The routes live in their own scope, with a form parser of their own.
 */
export async function deviceVerificationRoutes(
  app: FastifyInstance,
  options: DeviceVerificationOptions,
): Promise<void> {
  const { authorizationServer, interaction } = options
  acceptPageForms(app)

  const verify = async (
    request: FastifyRequest,
    reply: FastifyReply,
    typed: string,
    form: Form | undefined,
  ) => {
    const pending = await authorizationServer.deviceAuthorization.find(typed)
    if (pending === undefined) {
      request.log.info({ event: 'device_code_unknown' }, 'unknown or expired user code')
      return sendPage(
        reply,
        400,
        userCodePage({ action: DEVICE_VERIFICATION_PATH, userCode: typed.slice(0, 32), error: UNKNOWN_CODE }),
      )
    }
    const outcome = await interaction.interact(
      request,
      reply,
      {
        client: pending.client,
        scope: pending.scope,
        parameters: { user_code: pending.userCode },
        // Every device is confirmed by a person, even for a client they consented to before (§5.4).
        prompt: ['consent'],
        maxAge: null,
        deviceUserCode: pending.userCode,
        resources: pending.resources,
      },
      form,
    )
    if (outcome.kind === 'responded') return reply
    const approved = outcome.kind === 'approved'
    const decided = await authorizationServer.deviceAuthorization.decide(
      pending.userCode,
      outcome.kind === 'approved'
        ? { approved: true, subject: outcome.subject, authTime: outcome.authTime, scope: outcome.scope }
        : { approved: false },
    )
    // Decided meanwhile (another tab) or expired: the person is told, nothing else changes.
    if (!decided)
      return sendPage(reply, 400, userCodePage({ action: DEVICE_VERIFICATION_PATH, error: UNKNOWN_CODE }))
    request.log.info(
      { event: approved ? 'device_approved' : 'device_denied', client_id: pending.client.clientId },
      approved ? 'device authorization approved' : 'device authorization denied',
    )
    return sendPage(reply, 200, deviceResultPage({ approved, clientName: pending.client.name }))
  }

  const pageResponse = {
    200: { description: 'HTML page', content: { 'text/html': { schema: Type.String() } } },
    400: {
      description: 'HTML page: unknown or expired code',
      content: { 'text/html': { schema: Type.String() } },
    },
  }
  app.get(
    DEVICE_VERIFICATION_PATH,
    {
      schema: {
        summary: 'Device verification page (RFC 8628 §3.3): enter the code a device shows',
        tags: ['pages'],
        querystring: Type.Object({ user_code: Type.Optional(Type.String()) }),
        response: pageResponse,
      },
    },
    async (request, reply) => {
      const { user_code: typed } = request.query as { user_code?: string }
      if (typed === undefined || typed.trim() === '')
        return sendPage(reply, 200, userCodePage({ action: DEVICE_VERIFICATION_PATH }))
      return verify(request, reply, typed, undefined)
    },
  )
  app.post(
    DEVICE_VERIFICATION_PATH,
    {
      schema: {
        summary: 'Device verification page: the login and consent forms post here',
        tags: ['pages'],
        response: pageResponse,
      },
    },
    async (request, reply) => {
      const form = (request.body as Form | undefined) ?? {}
      const typed = form.user_code
      if (typed === undefined || typed === '')
        return sendPage(reply, 400, userCodePage({ action: DEVICE_VERIFICATION_PATH, error: UNKNOWN_CODE }))
      return verify(request, reply, typed, form)
    },
  )
}
