import Fastify, { type FastifyServerOptions } from 'fastify'
import { describe, expect, it } from 'vitest'
import { deferredSchemaCompilers } from './deferred-schema-compilers.js'

async function appWith(options: FastifyServerOptions) {
  const app = Fastify(options)
  app.get(
    '/items',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1 } },
          required: ['limit'],
        },
        response: { 200: { type: 'object', properties: { limit: { type: 'integer' } } } },
      },
    },
    // `internal` is not in the response schema: the serializer leaves it out.
    async (request) => ({ ...(request.query as object), internal: 'not serialized' }),
  )
  await app.ready()
  return app
}

describe('deferredSchemaCompilers', () => {
  it('validates and serializes exactly as Fastify default compilers do', async () => {
    const deferred = await appWith({ schemaController: deferredSchemaCompilers })
    const eager = await appWith({})
    try {
      for (const url of ['/items?limit=3', '/items?limit=0', '/items', '/items?limit=x', '/items?limit=2']) {
        const [got, expected] = await Promise.all([deferred.inject(url), eager.inject(url)])
        expect({ url, status: got.statusCode, body: got.body }).toEqual({
          url,
          status: expected.statusCode,
          body: expected.body,
        })
      }
      expect((await deferred.inject('/items?limit=3')).json()).toEqual({ limit: 3 })
      expect((await deferred.inject('/items')).statusCode).toBe(400)
    } finally {
      await Promise.all([deferred.close(), eager.close()])
    }
  })
})
