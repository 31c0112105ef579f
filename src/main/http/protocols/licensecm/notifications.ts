import { z } from 'zod'
import { needsScope } from '../../middleware/api-key'
import { principalOf, typed, type RouteFamily } from './context'
import { idParams } from './products'
import { notificationDtoSchema } from '@shared/dto-schemas-store'
import { envelope, ok } from './reply'

const listQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

/** GET /api/notifications (+ /unread-count), PUT /api/notifications/:id/read, PUT /read-all. */
export const notificationRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('notifications:read')
  const write = needsScope('notifications:write')
  const tags = ['notifications']

  // LicenseCM answers a plain array here (newest first).
  r.get(
    '/notifications',
    {
      config: { access: read },
      schema: {
        summary: 'List notifications (newest first)',
        querystring: listQuery,
        tags,
        response: { 200: envelope(z.array(notificationDtoSchema)) },
      },
    },
    async (req) => {
      const page = await services.notifications.list(principalOf(req).actor, {
        unreadOnly: req.query.unread === 'true',
        page: req.query.page,
        limit: req.query.limit,
      })
      return ok(page.items)
    },
  )

  r.get(
    '/notifications/unread-count',
    {
      config: { access: read },
      schema: {
        summary: 'Number of unread notifications',
        tags,
        response: { 200: envelope(z.object({ count: z.number().int() })) },
      },
    },
    async (req) => ok(await services.notifications.unreadCount(principalOf(req).actor)),
  )

  // Registered before '/:id/read' reads better; Fastify matches the static segment first anyway.
  r.put(
    '/notifications/read-all',
    {
      config: { access: write },
      schema: {
        summary: 'Mark every notification read',
        tags,
        response: { 200: envelope(z.object({ updated: z.number().int() })) },
      },
    },
    async (req) => ok(await services.notifications.markAllRead(principalOf(req).actor)),
  )

  r.put(
    '/notifications/:id/read',
    {
      config: { access: write },
      schema: {
        summary: 'Mark one notification read',
        params: idParams,
        tags,
        response: { 200: envelope(z.object({ id: z.string(), is_read: z.literal(true) })) },
      },
    },
    async (req) => {
      await services.notifications.markRead(principalOf(req).actor, req.params.id)
      return ok({ id: req.params.id, is_read: true })
    },
  )
}
