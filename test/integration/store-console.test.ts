import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginConsole, startTestServer, type ConsoleRpc, type TestServer } from '../helpers/server'
import { dbOf } from '../helpers/db'

/** The console's store, variables and secrets channels, over the headless console's HTTP RPC. */
describe('console channels: store, variables, SellRealm secrets', () => {
  let s: TestServer
  let rpc: ConsoleRpc
  const token = 'store-console-token-123456'

  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: token } })
    rpc = await loginConsole(s, token)
  })
  afterAll(() => s.stop())

  it('creates, pays and refunds an order; lists customers and analytics', async () => {
    const p = (await rpc('products.create', { name: 'Console App', price_cents: 1500, stock: 10 }))
      .body.data
    const o = await rpc('store.orders.create', {
      customer_email: 'dana@example.com',
      product_id: p.id,
      quantity: 2,
    })
    expect(o.body.ok).toBe(true)
    expect(o.body.data).toMatchObject({
      status: 'pending',
      amount_cents: 3000,
      currency: 'USD',
      keys: [],
    })
    const paid = await rpc('store.orders.setStatus', { id: o.body.data.id, status: 'paid' })
    expect(paid.body.data.keys).toHaveLength(2)
    const created = (await dbOf(s.runtime.store).one<{ n: number }>`SELECT COUNT(*) AS n
      FROM events WHERE type = 'license.created' AND details LIKE ${`%${o.body.data.id}%`}`)!
    expect(created.n).toBe(2)
    expect((await rpc('products.get', { id: p.id })).body.data.stock).toBe(8)
    const refunded = await rpc('store.orders.refund', { id: o.body.data.id })
    expect(refunded.body.data.keys.map((k: { status: string }) => k.status)).toEqual([
      'suspended',
      'suspended',
    ])
    // Each suspended key gets a license.suspended event (webhooks, the key's timeline).
    const suspendedEvents = await dbOf(s.runtime.store).all<{ license_id: string }>`
      SELECT license_id FROM events WHERE type = 'license.suspended'`
    expect(suspendedEvents.map((e) => e.license_id).sort()).toEqual(
      refunded.body.data.keys.map((k: { id: string }) => k.id).sort(),
    )
    const back = await rpc('store.orders.setStatus', { id: o.body.data.id, status: 'pending' })
    expect(back.body).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })

    const customers = await rpc('store.customers.list', {})
    expect(customers.body.data.items[0]).toMatchObject({
      email: 'dana@example.com',
      orders: 1,
      keys: 2,
      spent_cents: {},
    })
    const detail = await rpc('store.customers.get', { id: customers.body.data.items[0].id })
    expect(detail.body.data.order_list).toHaveLength(1)
    const a = await rpc('store.analytics', {})
    expect(a.body.data.totals).toMatchObject({
      orders: 1,
      paid_orders: 1,
      revenue_cents: { USD: 0 },
    })
    expect((await rpc('store.orders.list', { status: 'refunded' })).body.data.total).toBe(1)
    // A product with orders keeps its sales history: deleting it is refused, not a crash.
    const del = await rpc('products.delete', { id: p.id })
    expect(del.body).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect(del.body.error.message).toMatch(/has store orders/)
  })

  it('edits variables and refuses a bad one with a validation error', async () => {
    const p = (await rpc('products.create', { name: 'Vars' })).body.data
    const scope = { product_id: p.id }
    const up = await rpc('variables.upsert', {
      scope,
      variable: { name: 'flag', type: 'boolean', value: true },
    })
    expect(up.body.data).toMatchObject({ name: 'flag', type: 'boolean', value: true })
    expect((await rpc('variables.list', { scope })).body.data).toHaveLength(1)
    const bad = await rpc('variables.upsert', {
      scope,
      variable: { name: '', type: 'string', value: 'x' },
    })
    expect(bad.body.error.code).toBe('VALIDATION_ERROR')
    expect((await rpc('variables.delete', { scope, name: 'flag' })).body.data).toEqual({
      deleted: true,
    })
    expect((await rpc('variables.list', { scope })).body.data).toEqual([])
  })

  it('shows and regenerates the installation secrets, and tunes the License API', async () => {
    const first = (await rpc('account.secrets', {})).body.data
    expect(first.auth_secret).toMatch(/^[A-Za-z0-9]{48}$/)
    expect((await rpc('account.secrets', {})).body.data).toEqual(first)
    const next = (await rpc('account.regenerateSecrets', {})).body.data
    expect(next.auth_secret).not.toBe(first.auth_secret)
    expect(
      (
        await s.json('/api/v1/products', {
          headers: { authorization: `Bearer ${first.store_secret}` },
        })
      ).status,
    ).toBe(403)
    expect(
      (
        await s.json('/api/v1/products', {
          headers: { authorization: `Bearer ${next.store_secret}` },
        })
      ).status,
    ).toBe(200)
    const cfg = await rpc('sellrealm.updateConfig', { timestamp_window_seconds: 60 })
    expect(cfg.body.data).toEqual({ rate_limit_per_minute: 600, timestamp_window_seconds: 60 })
  })
})
