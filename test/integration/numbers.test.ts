import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consoleData,
  loginConsole,
  startTestServer,
  type ConsoleRpc,
  type TestServer,
} from '../helpers/server'

/**
 * The dashboard and Store › Analytics read revenue and activations through the same queries
 * and windows: a vendor selling in two currencies sees both on both screens, with the same
 * amounts, and the same activation count.
 */
describe('numbers that agree: dashboard.summary and store.analytics', () => {
  let s: TestServer
  let rpc: ConsoleRpc
  const token = 'numbers-console-token-123456'

  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: token } })
    rpc = await loginConsole(s, token)
  })
  afterAll(() => s.stop())

  const ok = (channel: string, body?: unknown) => consoleData(rpc, channel, body)

  async function sell(productId: string, quantity: number, then: 'paid' | 'refund') {
    const o = await ok('store.orders.create', {
      customer_email: 'buyer@example.com',
      product_id: productId,
      quantity,
    })
    await ok('store.orders.setStatus', { id: o.id, status: 'paid' })
    if (then === 'refund') await ok('store.orders.refund', { id: o.id })
  }

  it('shows EUR and USD on both screens and the same activation count', async () => {
    const eur = await ok('products.create', {
      name: 'Euro App',
      price_cents: 1000,
      currency: 'EUR',
    })
    const usd = await ok('products.create', {
      name: 'Dollar App',
      price_cents: 700,
      currency: 'USD',
    })
    await sell(eur.id, 2, 'paid') // EUR 20.00
    await sell(eur.id, 1, 'paid') // EUR 10.00
    await sell(usd.id, 3, 'paid') // USD 21.00
    await sell(usd.id, 1, 'refund') // USD +7.00 then -7.00

    const { licenses } = await ok('licenses.bulkCreate', { product_id: eur.id, count: 3 })
    const client = (op: string, key: string, hwid: string) =>
      s.json(`/api/client/${op}`, { body: { license_key: key, product_id: eur.id, hwid } })
    expect((await client('activate', licenses[0].license_key, 'hw-a')).status).toBe(200)
    expect((await client('activate', licenses[1].license_key, 'hw-b')).status).toBe(200)
    // The same machine activating again, and a machine released afterwards: the two cases
    // where counting machine rows and counting activations used to part ways.
    expect((await client('activate', licenses[0].license_key, 'hw-a')).status).toBe(200)
    expect((await client('deactivate', licenses[1].license_key, 'hw-b')).status).toBe(200)
    // A refused activation (unknown key) is not an activation.
    expect((await client('activate', 'NOPE-NOPE-NOPE-NOPE', 'hw-c')).status).not.toBe(200)

    const d = await ok('dashboard.summary')
    const a = await ok('store.analytics', {})

    expect(d.revenue.last_30_days).toEqual([
      { currency: 'EUR', cents: 3000, orders: 2 },
      { currency: 'USD', cents: 2100, orders: 2 },
    ])
    expect(d.revenue.today).toEqual(d.revenue.last_30_days)
    expect(a.totals.revenue_cents).toEqual({ EUR: 3000, USD: 2100 })
    const perDay = a.days.reduce(
      (m: Record<string, number>, x: { revenue_cents: Record<string, number> }) => {
        for (const [c, v] of Object.entries(x.revenue_cents)) m[c] = (m[c] ?? 0) + v
        return m
      },
      {},
    )
    expect(perDay).toEqual({ EUR: 3000, USD: 2100 })

    expect(d.activations).toEqual({ today: 3, last_30_days: 3 })
    expect(a.totals.activations).toBe(3)
    expect(a.days).toHaveLength(30)
    expect(a.days.map((x: { date: string }) => x.date)).toEqual(
      d.daily.map((x: { date: string }) => x.date),
    )
    expect(a.days.at(-1).activations).toBe(d.daily.at(-1).activations)
  })
})
