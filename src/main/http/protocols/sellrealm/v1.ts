import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  analyticsQuerySchema,
  createOrderSchema,
  listOrdersSchema,
  orderStatusSchema,
  type OrderDto,
} from '@shared/channels/store'
import {
  srAnalyticsSchema,
  srCustomerListSchema,
  srCustomerSchema,
  srKeyListSchema,
  srOrderChangedSchema,
  srOrderCreatedSchema,
  srOrderListSchema,
  srOrderSchema,
  srProductCreatedSchema,
  srProductListSchema,
  type SrOrder,
} from '@shared/dto-schemas-sellrealm'
import type { Services } from '../../../services'
import type { OwnerScope, SecretOwner } from '../../../services/store'
import { sha256Hex } from '../../../crypto/random'
import { sendReplay } from '../../middleware/idempotency'
import { decimal, decimals, keyStatus, srDate, srDateTime } from './format'
import { SellRealmError } from './errors'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the Bearer store_secret belongs to (set by the Store API's auth hook). */
    storeOwner?: SecretOwner
  }
}

function scope(req: FastifyRequest): OwnerScope {
  return { ownerId: req.storeOwner!.ownerId }
}

/** An order on the Store API: integer ids, decimal money, SellRealm's time format. */
export function wireOrder(o: OrderDto): SrOrder {
  return {
    order_id: o.num,
    status: o.status,
    customer_id: o.customer_id,
    customer_email: o.customer_email,
    product_id: o.product_num,
    product_title: o.product_name,
    quantity: o.quantity,
    amount: decimal(o.amount_cents),
    amount_cents: o.amount_cents,
    currency: o.currency,
    payment_ref: o.payment_ref,
    created_at: srDateTime(o.created_at),
    paid_at: srDateTime(o.paid_at),
    refunded_at: srDateTime(o.refunded_at),
    keys: o.keys.map((k) => ({
      key_id: k.num,
      key_value: k.key,
      status: keyStatus(k),
      state: k.status,
    })),
  }
}

const productBody = z.object({
  title: z.string().trim().min(1, 'title is required').max(120),
  price: z
    .number()
    .min(0)
    .max(1_000_000)
    .multipleOf(0.01, 'price has at most 2 decimals')
    .default(0),
  stock: z.number().int().min(0).nullable().optional(),
  description: z.string().max(2000).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'currency is a 3-letter ISO code')
    .optional(),
})

const idParam = z.object({ id: z.string().min(1).max(64) })
const keysQuery = z.object({
  product_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
})
// Query strings carry text: the product is an integer number there.
const ordersQuery = listOrdersSchema.extend({
  product_id: z.coerce.number().int().positive().optional(),
})
const analyticsQuery = analyticsQuerySchema.extend({
  product_id: z.coerce.number().int().positive().optional(),
})
const customersQuery = z.object({
  q: z.string().max(320).optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

/**
 * SellRealm Store API v1 (Bearer store_secret): products and keys as the reference shapes
 * them; orders, customers and analytics designed in the same style (see README).
 */
export async function registerStoreApi(
  app: FastifyInstance,
  opts: { services: Services },
): Promise<void> {
  const s = opts.services
  const r = app.withTypeProvider<ZodTypeProvider>()

  app.addHook('onRequest', async (req) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    const owner = m && m[1].length <= 200 ? await s.store.secrets.resolveStore(m[1]) : null
    if (!owner) throw new SellRealmError(403, 'Invalid store secret')
    req.storeOwner = owner
  })

  r.get(
    '/api/v1/products',
    {
      schema: {
        summary: 'List products',
        tags: ['sellrealm-store'],
        response: { 200: srProductListSchema },
      },
    },
    async (req) => {
      const rows = await s.store.products(scope(req))
      return rows.map((p) => ({
        product_id: p.num,
        title: p.name,
        price: decimal(p.price_cents),
        stock: p.stock,
        currency: p.currency,
        created_at: srDateTime(p.created_at),
      }))
    },
  )

  r.post(
    '/api/v1/products',
    {
      schema: {
        summary: 'Create a product',
        tags: ['sellrealm-store'],
        body: productBody,
        response: { 200: srProductCreatedSchema },
      },
    },
    async (req) => {
      const b = req.body
      const p = await s.products.create(req.storeOwner!.actor, {
        name: b.title,
        description: b.description,
        price_cents: Math.round(b.price * 100),
        stock: b.stock ?? null,
        currency: b.currency,
      })
      return { message: 'Product created successfully', product_id: p.num }
    },
  )

  r.get(
    '/api/v1/keys',
    {
      schema: {
        summary: 'List license keys',
        tags: ['sellrealm-store'],
        querystring: keysQuery,
        response: { 200: srKeyListSchema },
      },
    },
    async (req) => {
      const q = req.query
      const rows = await s.store.keys(scope(req), {
        productNum: q.product_id,
        limit: q.limit,
        offset: q.offset,
      })
      return rows.map((k) => ({
        key_id: k.num,
        key_value: k.key,
        status: keyStatus(k),
        created_at: srDateTime(k.created_at),
        expires_at: srDate(k.expires_at),
      }))
    },
  )

  r.get(
    '/api/v1/orders',
    {
      schema: {
        summary: 'List orders',
        tags: ['sellrealm-store'],
        querystring: ordersQuery,
        response: { 200: srOrderListSchema },
      },
    },
    async (req, reply) => {
      const page = await s.store.orders.list(scope(req), req.query)
      void reply.header('x-total-count', String(page.total))
      return page.items.map(wireOrder)
    },
  )

  r.post(
    '/api/v1/orders',
    {
      schema: {
        summary: 'Create an order',
        tags: ['sellrealm-store'],
        body: createOrderSchema,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }),
        response: { 200: srOrderCreatedSchema },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key']
      const create = async () => {
        const o = await s.store.orders.create(scope(req), req.body)
        return { message: 'Order created successfully', order_id: o.num, order: wireOrder(o) }
      }
      if (!key) return create()
      // The API-key engineer's generic mechanism: one order per (owner, key); a retry gets
      // the first answer, a different body under the same key is a 409.
      const idScope = `sellrealm.orders:${req.storeOwner!.ownerId ?? 'installation'}`
      const outcome = await s.idempotency.begin(idScope, key, sha256Hex(JSON.stringify(req.body)))
      if (outcome.kind === 'replay') return sendReplay(reply, outcome)
      try {
        const body = await create()
        await s.idempotency.complete(idScope, key, 200, JSON.stringify(body))
        return body
      } catch (e) {
        await s.idempotency.release(idScope, key)
        throw e
      }
    },
  )

  r.get(
    '/api/v1/orders/:id',
    {
      schema: {
        summary: 'Get an order',
        tags: ['sellrealm-store'],
        params: idParam,
        response: { 200: srOrderSchema },
      },
    },
    async (req) => wireOrder(await s.store.orders.get(scope(req), req.params.id)),
  )

  r.patch(
    '/api/v1/orders/:id',
    {
      schema: {
        summary: "Change an order's status",
        tags: ['sellrealm-store'],
        params: idParam,
        body: z.object({ status: orderStatusSchema }),
        response: { 200: srOrderChangedSchema },
      },
    },
    async (req) => {
      const o = await s.store.orders.setStatus(scope(req), req.params.id, req.body.status)
      return { message: `Order is ${o.status}`, order: wireOrder(o) }
    },
  )

  r.post(
    '/api/v1/orders/:id/refund',
    {
      schema: {
        summary: 'Refund an order',
        tags: ['sellrealm-store'],
        params: idParam,
        response: { 200: srOrderChangedSchema },
      },
    },
    async (req) => {
      const o = await s.store.orders.refund(scope(req), req.params.id)
      return { message: 'Order refunded', order: wireOrder(o) }
    },
  )

  r.get(
    '/api/v1/customers',
    {
      schema: {
        summary: 'List customers',
        tags: ['sellrealm-store'],
        querystring: customersQuery,
        response: { 200: srCustomerListSchema },
      },
    },
    async (req, reply) => {
      const page = await s.store.customers(scope(req), req.query)
      void reply.header('x-total-count', String(page.total))
      return page.items.map((c) => ({
        customer_id: c.id,
        email: c.email,
        name: c.name,
        orders: c.orders,
        paid_orders: c.paid_orders,
        keys: c.keys,
        spent: decimals(c.spent_cents),
        created_at: srDateTime(c.created_at),
      }))
    },
  )

  r.get(
    '/api/v1/customers/:id',
    {
      schema: {
        summary: 'Get a customer',
        tags: ['sellrealm-store'],
        params: idParam,
        response: { 200: srCustomerSchema },
      },
    },
    async (req) => {
      const c = await s.store.customer(scope(req), req.params.id)
      return {
        customer_id: c.id,
        email: c.email,
        name: c.name,
        spent: decimals(c.spent_cents),
        created_at: srDateTime(c.created_at),
        orders: c.order_list.map(wireOrder),
        keys: c.key_list.map((k) => ({
          key_id: k.num,
          key_value: k.key,
          product_title: k.product_name,
          status: keyStatus(k),
          state: k.status,
          created_at: srDateTime(k.created_at),
        })),
      }
    },
  )

  r.get(
    '/api/v1/analytics',
    {
      schema: {
        summary: 'Store analytics',
        tags: ['sellrealm-store'],
        querystring: analyticsQuery,
        response: { 200: srAnalyticsSchema },
      },
    },
    async (req) => {
      const a = await s.store.analytics(scope(req), req.query)
      return {
        from: srDateTime(a.from),
        to: srDateTime(a.to),
        totals: { ...a.totals, revenue: decimals(a.totals.revenue_cents) },
        days: a.days.map((d) => ({ ...d, revenue: decimals(d.revenue_cents) })),
        products: a.products.map((p) => ({
          product_id: p.product_num,
          title: p.name,
          orders: p.orders,
          paid_orders: p.paid_orders,
          revenue: decimals(p.revenue_cents),
          revenue_cents: p.revenue_cents,
          activations: p.activations,
        })),
      }
    },
  )
}
