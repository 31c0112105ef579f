import { z } from 'zod'
import { DomainError } from '@shared/errors'
import { createProductSchema, updateProductSchema } from '@shared/schemas'
import { needsScope } from '../../middleware/api-key'
import { assertProductAllowed, principalOf, typed, type RouteFamily } from './context'
import { productDtoSchema } from '@shared/dto-schemas'
import { envelope, ok } from './reply'

export const idParams = z.object({ id: z.string().min(1).max(100) })

/** GET|POST /api/products, GET|PUT|DELETE /api/products/:id, POST /api/products/:id/regenerate-key. */
export const productRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('products:read', { productAware: true })
  const write = needsScope('products:write', { productAware: true })
  const tags = ['products']

  r.get(
    '/products',
    {
      config: { access: read },
      schema: {
        summary: 'List products',
        response: { 200: envelope(z.array(productDtoSchema)) },
        tags,
      },
    },
    async (req) => {
      const p = principalOf(req)
      const all = await services.products.list(p.actor)
      return ok(p.productId ? all.filter((x) => x.id === p.productId) : all)
    },
  )

  r.post(
    '/products',
    {
      config: { access: write, idempotent: true },
      schema: {
        summary: 'Create a product',
        body: createProductSchema,
        response: { 201: envelope(productDtoSchema) },
        tags,
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      if (p.productId) throw new DomainError('FORBIDDEN', 'This API key is bound to one product')
      return reply.status(201).send(ok(await services.products.create(p.actor, req.body)))
    },
  )

  r.get(
    '/products/:id',
    {
      config: { access: read },
      schema: {
        summary: 'Get a product',
        params: idParams,
        response: { 200: envelope(productDtoSchema) },
        tags,
      },
    },
    async (req) => {
      const p = principalOf(req)
      assertProductAllowed(p, req.params.id)
      return ok(await services.products.get(p.actor, req.params.id))
    },
  )

  r.put(
    '/products/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Update a product',
        params: idParams,
        body: updateProductSchema,
        response: { 200: envelope(productDtoSchema) },
        tags,
      },
    },
    async (req) => {
      const p = principalOf(req)
      assertProductAllowed(p, req.params.id)
      return ok(await services.products.update(p.actor, req.params.id, req.body))
    },
  )

  r.delete(
    '/products/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Delete a product and its licenses',
        params: idParams,
        response: { 200: envelope(z.object({ id: z.string(), deleted: z.literal(true) })) },
        tags,
      },
    },
    async (req) => {
      const p = principalOf(req)
      assertProductAllowed(p, req.params.id)
      await services.products.remove(p.actor, req.params.id)
      return ok({ id: req.params.id, deleted: true })
    },
  )

  r.post(
    '/products/:id/regenerate-key',
    {
      config: { access: write },
      schema: {
        summary: 'Regenerate the secret key (the old one stops working)',
        params: idParams,
        response: { 200: envelope(z.object({ secret_key: z.string() })) },
        tags,
      },
    },
    async (req) => {
      const p = principalOf(req)
      assertProductAllowed(p, req.params.id)
      return ok(await services.products.regenerateKey(p.actor, req.params.id))
    },
  )
}
