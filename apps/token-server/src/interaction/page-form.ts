import type { FastifyInstance, FastifyReply } from 'fastify'
import { PAGE_HEADERS } from '../pages/html.js'

/** A page form's fields as posted; a field sent twice keeps its last value. */
export type Form = Record<string, string | undefined>

/** A page form is a few short fields: anything longer is no form of ours. */
const BODY_LIMIT = 16 * 1024

/**
 * Parses the page forms posted to the routes of `app`'s scope (the pages keep a parser of their own,
 * apart from the OAuth endpoints' strict one, which refuses repeated parameters).
 */
export function acceptPageForms(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_request, body, done) => {
      const form: Form = {}
      for (const [name, value] of new URLSearchParams(String(body))) form[name] = value
      done(null, form)
    },
  )
}

/** Answers an HTML page with the pages' security headers. */
export const sendPage = (reply: FastifyReply, status: number, text: string) =>
  reply.code(status).headers(PAGE_HEADERS).send(text)
