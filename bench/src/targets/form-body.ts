import type { FastifyInstance } from 'fastify'

/** The smallest correct `application/x-www-form-urlencoded` parser for the bare Fastify floors. */
export function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    },
  )
}
