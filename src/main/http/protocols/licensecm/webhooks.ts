import { z } from 'zod'
import {
  createWebhookSchema,
  listDeliveriesSchema,
  rotateWebhookSecretSchema,
  updateWebhookSchema,
} from '@shared/channels/webhooks'
import { needsScope } from '../../middleware/api-key'
import { principalOf, typed, type RouteFamily } from './context'
import {
  deletedSchema,
  deliveryDtoSchema,
  webhookDtoSchema,
  webhookTestResultSchema,
} from '@shared/dto-schemas-hooks'
import { paginationSchema } from '@shared/dto-schemas'
import { envelope, ok, pagination } from './reply'

const idParams = z.object({ id: z.string().min(1).max(64) })
const one = { 200: envelope(webhookDtoSchema) }

/**
 * /api/webhooks: endpoints (CRUD), a real signed test send, the delivery log and manual
 * redelivery. A `user` account sees only its own webhooks; admins see all.
 */
export const webhookRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('webhooks:read')
  const write = needsScope('webhooks:write')
  const wh = services.webhooks
  const tags = ['webhooks']

  r.get(
    '/webhooks',
    {
      config: { access: read },
      schema: {
        summary: 'List webhooks',
        tags,
        response: { 200: envelope(z.array(webhookDtoSchema)) },
      },
    },
    async (req) => ok(await wh.list(principalOf(req).actor)),
  )

  r.post(
    '/webhooks',
    {
      config: { access: write, idempotent: true },
      schema: {
        response: { 201: envelope(webhookDtoSchema) },
        summary: 'Create a webhook',
        body: createWebhookSchema,
        tags,
      },
    },
    async (req, reply) =>
      reply.status(201).send(ok(await wh.create(principalOf(req).actor, req.body))),
  )

  r.get(
    '/webhooks/:id',
    {
      config: { access: read },
      schema: { summary: 'Get a webhook', params: idParams, tags, response: one },
    },
    async (req) => ok(await wh.get(principalOf(req).actor, req.params.id)),
  )

  r.put(
    '/webhooks/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Change a webhook',
        params: idParams,
        body: updateWebhookSchema,
        tags,
        response: one,
      },
    },
    async (req) => ok(await wh.update(principalOf(req).actor, req.params.id, req.body)),
  )

  r.delete(
    '/webhooks/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Delete a webhook',
        params: idParams,
        tags,
        response: { 200: envelope(deletedSchema) },
      },
    },
    async (req) => {
      await wh.remove(principalOf(req).actor, req.params.id)
      return ok({ deleted: true })
    },
  )

  // A new generated secret (in the answer, once); the previous one keeps signing deliveries
  // too until `previous_secret_expires_at` (overlap_hours, default 24).
  r.post(
    '/webhooks/:id/rotate-secret',
    {
      config: { access: write },
      schema: {
        summary: 'Rotate a webhook secret (the old one keeps signing for the overlap)',
        params: idParams,
        body: rotateWebhookSecretSchema,
        tags,
        response: one,
      },
    },
    async (req) => ok(await wh.rotateSecret(principalOf(req).actor, req.params.id, req.body)),
  )

  // Sends a real signed `webhook.test` event and reports the receiver's status and latency.
  r.post(
    '/webhooks/:id/test',
    {
      config: { access: write },
      schema: {
        summary: 'Send a test event to a webhook',
        params: idParams,
        tags,
        response: { 200: envelope(webhookTestResultSchema) },
      },
    },
    async (req) => ok(await wh.test(principalOf(req).actor, req.params.id)),
  )

  r.get(
    '/webhooks/:id/deliveries',
    {
      config: { access: read },
      schema: {
        summary: "List a webhook's deliveries",
        params: idParams,
        querystring: listDeliveriesSchema,
        tags,
        response: {
          200: envelope(
            z.object({ deliveries: z.array(deliveryDtoSchema), pagination: paginationSchema }),
          ),
        },
      },
    },
    async (req) => {
      const p = await wh.deliveries(principalOf(req).actor, req.params.id, req.query)
      return ok({ deliveries: p.items, pagination: pagination(p.page, p.limit, p.total) })
    },
  )

  r.post(
    '/webhooks/deliveries/:id/redeliver',
    {
      config: { access: write },
      schema: {
        summary: 'Deliver a past event again',
        params: idParams,
        tags,
        response: { 200: envelope(deliveryDtoSchema) },
      },
    },
    async (req) => ok(await wh.redeliver(principalOf(req).actor, req.params.id)),
  )
}
