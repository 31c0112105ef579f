import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { licenseFilterSchema } from '@shared/schemas'
import type { Services } from '../../services'
import type { Actor } from '../../services/context'
import { streamLicenses } from '../../services/transfer/stream'

const params = z.object({ format: z.enum(['csv', 'json']) })

/**
 * GET /console/export/licenses.{csv,json}?<filter>: the whole filtered set as a download,
 * streamed row batch by row batch (services/transfer/stream). A read like the event stream:
 * the session cookie (SameSite=Strict) is enough, so a plain link can download it.
 */
export function registerLicenseExport(
  app: FastifyInstance,
  services: Services,
  actorOf: (req: FastifyRequest, reply: FastifyReply) => Promise<Actor | undefined>,
): void {
  app.get<{ Params: { format: string } }>(
    '/console/export/licenses.:format',
    async (req, reply) => {
      const p = params.safeParse(req.params)
      const f = licenseFilterSchema.safeParse(req.query)
      if (!p.success || !f.success) {
        return reply.status(400).send({
          ok: false,
          error: {
            code: 'VALIDATION_ERROR',
            message: p.success
              ? `Bad filter: ${f.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
              : 'Export as licenses.csv or licenses.json',
          },
        })
      }
      const actor = await actorOf(req, reply)
      if (!actor) return reply
      const format = p.data.format
      const date = new Date().toISOString().slice(0, 10)
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="keywarden-licenses-${date}.${format}"`,
        )
        .header('cache-control', 'no-store')
        .send(Readable.from(streamLicenses(services.licenses, actor, f.data, format)))
    },
  )
}
