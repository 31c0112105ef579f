import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { vendor } from './sellrealm-helpers'

/** The store over the management API: JWT or API key (store scopes), Idempotency-Key on create. */
describe('store over the management API', () => {
  let s: TestServer
  let v: Awaited<ReturnType<typeof vendor>>
  let productId: string

  beforeAll(async () => {
    s = await startTestServer()
    v = await vendor(s, 'mgmt-store@example.com')
    productId = (
      await s.runtime.services.products.create(v.actor, {
        name: 'Mgmt',
        price_cents: 900,
        stock: 3,
      })
    ).id
  })
  afterAll(() => s.stop())

  it('creates one order per Idempotency-Key, pays it once and lists it', async () => {
    const body = {
      customer_email: 'x@example.com',
      product_id: productId,
      quantity: 2,
      payment_ref: 'ch_1',
    }
    const headers = { ...v.auth, 'idempotency-key': 'mgmt-order-1' }
    const a = await s.json('/api/orders', { body, headers })
    expect(a.status).toBe(201)
    expect(a.body.data).toMatchObject({ status: 'pending', amount_cents: 1800, quantity: 2 })
    const b = await s.json('/api/orders', { body, headers })
    expect(b.status).toBe(201)
    expect(b.headers.get('idempotent-replayed')).toBe('true')
    expect(b.body.data.id).toBe(a.body.data.id)

    const paid = await s.json(`/api/orders/${a.body.data.id}`, {
      method: 'PATCH',
      body: { status: 'paid' },
      headers: v.auth,
    })
    expect(paid.body.data.keys).toHaveLength(2)
    const again = await s.json(`/api/orders/${a.body.data.num}`, {
      method: 'PATCH',
      body: { status: 'paid' },
      headers: v.auth,
    })
    expect(again.body.data.keys.map((k: { id: string }) => k.id)).toEqual(
      paid.body.data.keys.map((k: { id: string }) => k.id),
    )

    const list = await s.json('/api/orders?status=paid', { headers: v.auth })
    expect(list.body.data.orders).toHaveLength(1)
    expect(list.body.data.pagination).toMatchObject({ total: 1 })
    const tooMany = await s.json('/api/orders', {
      body: { customer_email: 'y@example.com', product_id: productId, quantity: 2 },
      headers: v.auth,
    })
    expect(tooMany.status).toBe(409)
    expect(tooMany.body).toMatchObject({ success: false, error_code: 'CONFLICT' })
    const customers = await s.json('/api/customers', { headers: v.auth })
    expect(customers.body.data.customers[0]).toMatchObject({ email: 'x@example.com', keys: 2 })
    const analytics = await s.json('/api/store/analytics', { headers: v.auth })
    expect(analytics.body.data.totals).toMatchObject({
      paid_orders: 1,
      revenue_cents: { USD: 1800 },
    })
  })

  it('needs store:read to read and store:write to change', async () => {
    const made = await s.json('/api/api-keys', {
      body: { name: 'reader', scopes: ['store:read'] },
      headers: v.auth,
    })
    expect(made.status).toBe(201)
    const key = { 'x-api-key': made.body.data.key as string }
    expect((await s.json('/api/orders', { headers: key })).status).toBe(200)
    const write = await s.json('/api/orders', {
      body: { customer_email: 'z@example.com', product_id: productId },
      headers: key,
    })
    expect(write.status).toBe(403)
    expect(write.body.message).toMatch(/store:write/)
    expect((await s.json('/api/orders')).status).toBe(401)
  })
})
