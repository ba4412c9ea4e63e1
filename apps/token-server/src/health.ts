import type { FastifyInstance } from 'fastify'
import Type from 'typebox'

export const HealthSchema = Type.Object(
  { status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]) },
  { title: 'Health', description: 'Liveness or readiness of the process.' },
)

export interface HealthOptions {
  /** Resolves when the store answers a query; rejects otherwise. */
  probeStore: () => Promise<void>
  /** True once shutdown began: readiness fails so that load balancers stop sending traffic. */
  isShuttingDown: () => boolean
}

/** `/healthz`: the process serves HTTP. `/readyz`: it can also reach its store. */
export async function registerHealthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: { summary: 'Liveness probe', tags: ['operations'], response: { 200: HealthSchema } },
    },
    async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  )
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness probe: the store answers',
        tags: ['operations'],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      if (options.isShuttingDown()) return reply.code(503).send({ status: 'unavailable' })
      try {
        await options.probeStore()
        return reply.send({ status: 'ok' })
      } catch (error) {
        request.log.error({ err: error }, 'store unreachable')
        return reply.code(503).send({ status: 'unavailable' })
      }
    },
  )
}
