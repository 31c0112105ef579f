import { z } from 'zod'
import { apiKeyDtoSchema, createApiKeySchema, createdApiKeyDtoSchema } from '@shared/apikeys'
import { DomainError } from '@shared/errors'
import { principalOf, typed, type RouteFamily } from './context'
import { envelope, ok } from './reply'
import { needsScope } from '../../middleware/api-key'

const idParam = z.object({ id: z.string().min(1).max(64) })

/**
 * POST /api/api-keys, GET /api/api-keys, GET/DELETE /api/api-keys/:id: backend credentials.
 * Needs the `admin` scope (each route's config.access). Creating answers the
 * key and its signing secret once; nothing can show them again.
 */
export const apiKeyRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  // Product-aware: a product-bound key mints only keys bound to the same product (below).
  const admin = needsScope('admin', { productAware: true })

  r.post(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key (the key and secret are in this answer only)',
        body: createApiKeySchema,
        response: { 201: envelope(createdApiKeyDtoSchema) },
      },
      config: { access: admin, idempotent: true },
    },
    async (req, reply) => {
      const p = principalOf(req)
      // A product-bound key can only mint keys bound to the same product (no escalation).
      if (p.productId && req.body.product_id !== p.productId) {
        if (req.body.product_id) throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
        req.body.product_id = p.productId
      }
      const created = await services.apiKeys.create(p.actor, req.body)
      return reply.status(201).send(ok(created))
    },
  )

  r.get(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'List API keys',
        response: { 200: envelope(z.array(apiKeyDtoSchema)) },
      },
      config: { access: admin },
    },
    async (req) => ok(await services.apiKeys.list(principalOf(req).actor)),
  )

  r.get(
    '/api-keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'One API key',
        params: idParam,
        response: { 200: envelope(apiKeyDtoSchema) },
      },
      config: { access: admin },
    },
    async (req) => ok(await services.apiKeys.get(principalOf(req).actor, req.params.id)),
  )

  r.delete(
    '/api-keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key (refused from the next request on)',
        params: idParam,
        response: { 200: envelope(apiKeyDtoSchema) },
      },
      config: { access: admin },
    },
    async (req) => ok(await services.apiKeys.revoke(principalOf(req).actor, req.params.id)),
  )
}
