import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { vendor } from './sellrealm-helpers'
import { dbOf } from '../helpers/db'

/** Store API v1: products, keys, orders (exactly-once key issue, idempotency), customers, analytics. */
describe('SellRealm Store API v1', () => {
  let s: TestServer
  let bearer: Record<string, string>
  let v: Awaited<ReturnType<typeof vendor>>

  const api = (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => s.json(path, { ...init, headers: { ...bearer, ...init.headers } })

  beforeAll(async () => {
    s = await startTestServer()
    v = await vendor(s, 'store@example.com')
    bearer = { authorization: `Bearer ${v.storeSecret}` }
  })
  afterAll(() => s.stop())

  it('refuses a missing or wrong store secret with 403 "Invalid store secret"', async () => {
    const headerSets: Record<string, string>[] = [
      {},
      { authorization: 'Bearer ' + 'y'.repeat(48) },
      { authorization: `Bearer ${v.authSecret}` },
    ]
    for (const headers of headerSets) {
      const r = await s.json('/api/v1/products', { headers })
      expect(r).toMatchObject({
        status: 403,
        body: { status: 'error', message: 'Invalid store secret' },
      })
    }
  })

  it('creates and lists products in the reference shapes', async () => {
    const created = await api('/api/v1/products', {
      body: { title: 'New Product', price: 19.99, stock: 100 },
    })
    expect(created.status).toBe(200)
    expect(created.body).toEqual({
      message: 'Product created successfully',
      product_id: expect.any(Number),
    })
    const list = await api('/api/v1/products')
    const p = list.body.find(
      (x: { product_id: number }) => x.product_id === created.body.product_id,
    )
    expect(p).toMatchObject({ title: 'New Product', price: 19.99, stock: 100 })
    expect(p.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    const bad = await api('/api/v1/products', { body: { price: 1 } })
    expect(bad.status).toBe(400)
    expect(bad.body.status).toBe('error')
    expect(bad.body.message).toMatch(/title/)
  })

  it('answers an unknown Store API path with a SellRealm-shaped 404', async () => {
    const r = await api('/api/v1/nothing-here')
    expect(r).toMatchObject({ status: 404, body: { status: 'error', message: 'Not found' } })
  })

  it('answers a wrong method with 405', async () => {
    const r = await api('/api/v1/products', { method: 'DELETE' })
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toBe('GET, POST')
  })

  it('runs an order from creation to paid keys to refund, idempotently', async () => {
    const prod = await api('/api/v1/products', { body: { title: 'Pro', price: 25, stock: 5 } })
    const pid = prod.body.product_id
    const body = {
      customer_email: 'Buyer@Example.com',
      product_id: pid,
      quantity: 2,
      currency: 'EUR',
      payment_ref: 'pi_123',
    }

    // Same Idempotency-Key twice: one order.
    const first = await api('/api/v1/orders', { body, headers: { 'idempotency-key': 'order-1' } })
    expect(first.status).toBe(200)
    const again = await api('/api/v1/orders', { body, headers: { 'idempotency-key': 'order-1' } })
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    const order = first.body.order
    expect(order).toMatchObject({
      status: 'pending',
      amount: 50,
      amount_cents: 5000,
      currency: 'EUR',
      quantity: 2,
      keys: [],
    })
    expect(order.customer_email).toBe('buyer@example.com')
    const listed = await api(`/api/v1/orders?product_id=${pid}`)
    expect(listed.body).toHaveLength(1)
    // The same key with another body is a conflict, not a second order.
    const reused = await api('/api/v1/orders', {
      body: { ...body, quantity: 1 },
      headers: { 'idempotency-key': 'order-1' },
    })
    expect(reused.status).toBe(409)

    // Paying issues one key per unit, once, and takes stock.
    const paid = await api(`/api/v1/orders/${order.order_id}`, {
      method: 'PATCH',
      body: { status: 'paid' },
    })
    expect(paid.status).toBe(200)
    expect(paid.body.order.status).toBe('paid')
    expect(paid.body.order.keys).toHaveLength(2)
    const payAgain = await api(`/api/v1/orders/${order.order_id}`, {
      method: 'PATCH',
      body: { status: 'paid' },
    })
    expect(payAgain.body.order.keys.map((k: { key_value: string }) => k.key_value)).toEqual(
      paid.body.order.keys.map((k: { key_value: string }) => k.key_value),
    )
    const stock = (await api('/api/v1/products')).body.find(
      (x: { product_id: number }) => x.product_id === pid,
    ).stock
    expect(stock).toBe(3)
    const keys = (await api(`/api/v1/keys?product_id=${pid}`)).body
    expect(keys).toHaveLength(2)
    expect(keys[0]).toMatchObject({
      status: 'Unused',
      key_value: paid.body.order.keys[0].key_value,
    })
    expect(keys[0].key_id).toBe(paid.body.order.keys[0].key_id)

    // Refund suspends the keys and returns the stock.
    const refunded = await api(`/api/v1/orders/${order.order_id}/refund`, { method: 'POST' })
    expect(refunded.body.order.status).toBe('refunded')
    expect(refunded.body.order.keys.every((k: { state: string }) => k.state === 'suspended')).toBe(
      true,
    )
    expect(
      (await api('/api/v1/products')).body.find((x: { product_id: number }) => x.product_id === pid)
        .stock,
    ).toBe(5)
    const repay = await api(`/api/v1/orders/${order.order_id}`, {
      method: 'PATCH',
      body: { status: 'paid' },
    })
    expect(repay).toMatchObject({
      status: 409,
      body: { status: 'error', message: 'A refunded order cannot be paid' },
    })
  })

  it('issues keys exactly once when pays race', async () => {
    const prod = await api('/api/v1/products', { body: { title: 'Race', price: 5 } })
    const o = await api('/api/v1/orders', {
      body: { customer_email: 'race@example.com', product_id: prod.body.product_id, quantity: 3 },
    })
    const id = o.body.order.order_id
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api(`/api/v1/orders/${id}`, { method: 'PATCH', body: { status: 'paid' } }),
      ),
    )
    expect(results.every((r) => r.status === 200)).toBe(true)
    const row = (await dbOf(s.runtime.store).one<{ n: number }>`SELECT COUNT(*) AS n
      FROM licenses l JOIN orders o ON o.id = l.order_id WHERE o.num = ${id}`)!
    expect(row.n).toBe(3)
  })

  it('refuses an order the stock cannot cover with a clear 409', async () => {
    const prod = await api('/api/v1/products', { body: { title: 'Scarce', price: 1, stock: 1 } })
    const big = await api('/api/v1/orders', {
      body: { customer_email: 'a@example.com', product_id: prod.body.product_id, quantity: 2 },
    })
    expect(big).toMatchObject({
      status: 409,
      body: { status: 'error', message: 'Out of stock: 1 left of "Scarce", the order needs 2' },
    })
    // Two pending orders for the last unit: the first pay wins, the second is out of stock.
    const o1 = await api('/api/v1/orders', {
      body: { customer_email: 'a@example.com', product_id: prod.body.product_id },
    })
    const o2 = await api('/api/v1/orders', {
      body: { customer_email: 'b@example.com', product_id: prod.body.product_id },
    })
    expect(
      (
        await api(`/api/v1/orders/${o1.body.order_id}`, {
          method: 'PATCH',
          body: { status: 'paid' },
        })
      ).status,
    ).toBe(200)
    const second = await api(`/api/v1/orders/${o2.body.order_id}`, {
      method: 'PATCH',
      body: { status: 'paid' },
    })
    expect(second).toMatchObject({
      status: 409,
      body: { message: 'Out of stock: 0 left of "Scarce", the order needs 1' },
    })
    expect((await api(`/api/v1/orders/${o2.body.order_id}`)).body.status).toBe('pending')
    expect(
      (
        await api(`/api/v1/orders/${o2.body.order_id}`, {
          method: 'PATCH',
          body: { status: 'cancelled' },
        })
      ).body.order.status,
    ).toBe('cancelled')
  })

  it('filters orders by status, customer and date, and 404s an unknown order', async () => {
    const paid = await api('/api/v1/orders?status=paid')
    expect(paid.body.length).toBeGreaterThan(0)
    expect(paid.body.every((o: { status: string }) => o.status === 'paid')).toBe(true)
    const byCustomer = await api('/api/v1/orders?customer=buyer@')
    expect(
      byCustomer.body.every(
        (o: { customer_email: string }) => o.customer_email === 'buyer@example.com',
      ),
    ).toBe(true)
    expect(byCustomer.body).toHaveLength(1)
    expect((await api('/api/v1/orders?from=2000-01-01&to=2000-01-02')).body).toEqual([])
    const today = new Date().toISOString().slice(0, 10)
    expect((await api(`/api/v1/orders?from=${today}&to=${today}`)).body.length).toBeGreaterThan(0)
    expect((await api('/api/v1/orders/999999')).status).toBe(404)
    expect((await api('/api/v1/orders?status=shipped')).status).toBe(400)
  })

  it('lists customers made from orders, with their orders and keys', async () => {
    const list = await api('/api/v1/customers?q=buyer')
    expect(list.body).toHaveLength(1)
    expect(list.body[0]).toMatchObject({ email: 'buyer@example.com', orders: 1, keys: 2 })
    const c = await api(`/api/v1/customers/${list.body[0].customer_id}`)
    expect(c.body.orders).toHaveLength(1)
    expect(c.body.keys).toHaveLength(2)
    expect(c.body.keys[0]).toMatchObject({ product_title: 'Pro', state: 'suspended' })
  })

  it('reports revenue, orders and activations per day and per product', async () => {
    const prod = await api('/api/v1/products', { body: { title: 'Charted', price: 10 } })
    const o = await api('/api/v1/orders', {
      body: {
        customer_email: 'c@example.com',
        product_id: prod.body.product_id,
        quantity: 1,
        status: 'paid',
      },
    })
    expect(o.body.order.status).toBe('paid')
    const a = await api(`/api/v1/analytics?product_id=${prod.body.product_id}`)
    expect(a.status).toBe(200)
    const today = a.body.days.find(
      (d: { date: string }) => d.date === new Date().toISOString().slice(0, 10),
    )
    expect(today).toMatchObject({ orders: 1, paid_orders: 1, revenue: { USD: 10 } })
    expect(a.body.products).toEqual([
      expect.objectContaining({
        product_id: prod.body.product_id,
        title: 'Charted',
        revenue: { USD: 10 },
        activations: 0,
      }),
    ])
    expect(a.body.days.length).toBeGreaterThanOrEqual(30)
  })

  it('keeps one account out of another store', async () => {
    const other = await vendor(s, 'other-store@example.com')
    const r = await s.json('/api/v1/orders', {
      headers: { authorization: `Bearer ${other.storeSecret}` },
    })
    expect(r.body).toEqual([])
    const theirs = await s.json('/api/v1/orders/1', {
      headers: { authorization: `Bearer ${other.storeSecret}` },
    })
    expect(theirs.status).toBe(404)
  })
})
