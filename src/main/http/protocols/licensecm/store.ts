import { z } from 'zod'
import {
  analyticsQuerySchema,
  createOrderSchema,
  listOrdersSchema,
  orderStatusSchema,
} from '@shared/channels/store'
import { scopeOf } from '../../../services/store'
import { needsScope } from '../../middleware/api-key'
import { principalOf, typed, type RouteFamily } from './context'
import { orderDtoSchema, paginationSchema } from '@shared/dto-schemas'
import {
  analyticsDtoSchema,
  customerDetailDtoSchema,
  customerDtoSchema,
} from '@shared/dto-schemas-store'
import { envelope, ok, pagination } from './reply'

const orderAnswer = { 200: envelope(orderDtoSchema) }

const idParams = z.object({ id: z.string().min(1).max(100) })
// Query strings carry text: a product is named by its integer number or its uuid there.
const productRef = z.union([z.coerce.number().int().positive(), z.string().min(1).max(64)])
const ordersQuery = listOrdersSchema.extend({ product_id: productRef.optional() })
const customersQuery = z.object({
  q: z.string().max(320).optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

/**
 * The store over the management API (scopes store:read / store:write, declared per route):
 *   GET|POST /api/orders, GET|PATCH /api/orders/:id, POST /api/orders/:id/refund,
 *   GET /api/customers[/:id], GET /api/store/analytics.
 * POST /api/orders honours Idempotency-Key (the shared mechanism, config.idempotent).
 */
export const storeRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const tags = ['store']
  const read = needsScope('store:read')
  const write = needsScope('store:write')
  const scope = (req: Parameters<typeof principalOf>[0]) => scopeOf(principalOf(req).actor)

  r.get(
    '/orders',
    {
      config: { access: read },
      schema: {
        summary: 'List orders',
        tags,
        querystring: ordersQuery,
        response: {
          200: envelope(
            z.object({ orders: z.array(orderDtoSchema), pagination: paginationSchema }),
          ),
        },
      },
    },
    async (req) => {
      const page = await services.store.orders.list(scope(req), req.query)
      return ok({ orders: page.items, pagination: pagination(page.page, page.limit, page.total) })
    },
  )

  r.post(
    '/orders',
    {
      config: { access: write, idempotent: true },
      schema: {
        response: { 201: envelope(orderDtoSchema) },
        summary: 'Create an order (issues its licenses)',
        tags,
        body: createOrderSchema,
      },
    },
    async (req, reply) =>
      reply.status(201).send(ok(await services.store.orders.create(scope(req), req.body))),
  )

  r.get(
    '/orders/:id',
    {
      config: { access: read },
      schema: { summary: 'Get an order', tags, params: idParams, response: orderAnswer },
    },
    async (req) => ok(await services.store.orders.get(scope(req), req.params.id)),
  )

  r.patch(
    '/orders/:id',
    {
      config: { access: write },
      schema: {
        summary: "Change an order's status",
        response: orderAnswer,
        tags,
        params: idParams,
        body: z.object({ status: orderStatusSchema }),
      },
    },
    async (req) =>
      ok(await services.store.orders.setStatus(scope(req), req.params.id, req.body.status)),
  )

  r.post(
    '/orders/:id/refund',
    {
      config: { access: write },
      schema: {
        summary: 'Refund an order (revokes its licenses)',
        tags,
        params: idParams,
        response: orderAnswer,
      },
    },
    async (req) => ok(await services.store.orders.refund(scope(req), req.params.id)),
  )

  r.get(
    '/customers',
    {
      config: { access: read },
      schema: {
        summary: 'List customers',
        tags,
        querystring: customersQuery,
        response: {
          200: envelope(
            z.object({ customers: z.array(customerDtoSchema), pagination: paginationSchema }),
          ),
        },
      },
    },
    async (req) => {
      const page = await services.store.customers(scope(req), req.query)
      return ok({
        customers: page.items,
        pagination: pagination(page.page, page.limit, page.total),
      })
    },
  )

  r.get(
    '/customers/:id',
    {
      config: { access: read },
      schema: {
        summary: 'Get a customer with orders and licenses',
        tags,
        params: idParams,
        response: { 200: envelope(customerDetailDtoSchema) },
      },
    },
    async (req) => ok(await services.store.customer(scope(req), req.params.id)),
  )

  r.get(
    '/store/analytics',
    {
      config: { access: read },
      schema: {
        summary: 'Store analytics (revenue, orders, customers)',
        tags,
        querystring: analyticsQuerySchema.extend({ product_id: productRef.optional() }),
        response: { 200: envelope(analyticsDtoSchema) },
      },
    },
    async (req) => ok(await services.store.analytics(scope(req), req.query)),
  )
}
