import { z } from 'zod'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Services } from '../../services'

const check = z.enum(['ok', 'fail'])
const readinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ database: check, migrations: check, keys: check }),
})

/**
 * GET /api/ready (readiness, beside /api/health's liveness): 200 when the database answers a
 * query, every migration is applied and the RSA and Ed25519 key pairs are loaded; otherwise
 * 503 naming the failed check. Load balancers and container health checks poll it.
 */
export function registerReady(app: FastifyInstance, services: Services): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/ready',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Readiness: database, migrations and key pairs',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
      // A hook before this route that needs the database (the trust settings) fails with it:
      // still a 503 naming the checks, not the server's generic 500.
      errorHandler: async (err, req, reply) => {
        req.log.error(err)
        return answer(reply)
      },
    },
    async (_req, reply) => answer(reply),
  )

  async function answer(reply: FastifyReply) {
    const r = await services.ops.readiness()
    return reply
      .status(r.ready ? 200 : 503)
      .send({ status: r.ready ? 'ready' : 'unavailable', checks: r.checks })
  }
}
