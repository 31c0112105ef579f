import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin } from '../helpers/mgmt'
import { createKey, keyed, type CreatedKey } from '../helpers/apikeys'

describe('Idempotency-Key on creating POSTs', () => {
  let s: TestServer
  let jwt: string
  let productId: string
  let k: CreatedKey
  const bearer = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${jwt}`,
    ...extra,
  })
  const countLicenses = async () =>
    Number(
      (
        await s.runtime.store.db
          .selectFrom('licenses')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('product_id', '=', productId)
          .executeTakeFirstOrThrow()
      ).n,
    )

  beforeAll(async () => {
    s = await startTestServer()
    jwt = (await firstAdmin(s)).token
    const p = await s.json('/api/products', {
      method: 'POST',
      body: { name: 'Idem' },
      headers: bearer(),
    })
    expect(p.status).toBe(201)
    productId = p.body.data.id
    k = await createKey(s, jwt, {
      name: 'backend',
      scopes: ['licenses:write', 'licenses:read', 'products:write'],
    })
  })
  afterAll(() => s.stop())

  it('replays the first answer for the same key and body (same status, same body, replay header)', async () => {
    const body = { product_id: productId, type: 'lifetime', notes: 'order 1' }
    const before = await countLicenses()
    const first = await s.json('/api/licenses', {
      method: 'POST',
      body,
      headers: bearer({ 'idempotency-key': 'order-1' }),
    })
    expect(first.status).toBe(201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const again = await s.json('/api/licenses', {
      method: 'POST',
      body,
      headers: bearer({ 'idempotency-key': 'order-1' }),
    })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    expect(await countLicenses()).toBe(before + 1)
    // The same body with its keys in another order is the same request.
    const reordered = await s.json('/api/licenses', {
      method: 'POST',
      body: { notes: 'order 1', type: 'lifetime', product_id: productId },
      headers: bearer({ 'idempotency-key': 'order-1' }),
    })
    expect(reordered.body.data.id).toBe(first.body.data.id)
  })

  it('409 CONFLICT for the same key with a different body', async () => {
    const r = await s.json('/api/licenses', {
      method: 'POST',
      body: { product_id: productId, type: 'trial' },
      headers: bearer({ 'idempotency-key': 'order-1' }),
    })
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ success: false, error_code: 'CONFLICT' })
    expect(r.body.message).toMatch(/different request/)
  })

  it('keeps keys per caller: another caller may use the same key string', async () => {
    const before = await countLicenses()
    const r = await keyed(s, k.key, 'POST', '/api/licenses', {
      body: { product_id: productId, type: 'lifetime', notes: 'order 1' },
      headers: { 'idempotency-key': 'order-1' },
    })
    expect(r.status).toBe(201)
    expect(r.headers.get('idempotent-replayed')).toBeNull()
    expect(await countLicenses()).toBe(before + 1)
  })

  it('creates exactly one license from 12 parallel requests with one key', async () => {
    const before = await countLicenses()
    const body = { product_id: productId, type: 'subscription', notes: 'webhook retry storm' }
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        keyed(s, k.key, 'POST', '/api/licenses', {
          body,
          headers: { 'idempotency-key': 'storm-7' },
        }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201))
    expect(new Set(results.map((r) => r.body.data.id)).size).toBe(1)
    expect(new Set(results.map((r) => r.body.data.license_key)).size).toBe(1)
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(11)
    expect(await countLicenses()).toBe(before + 1)
  })

  it('covers bulk licenses, products, webhooks, orders and API keys as well', async () => {
    const before = await countLicenses()
    const bulk = { product_id: productId, count: 3 }
    const b1 = await keyed(s, k.key, 'POST', '/api/licenses/bulk', {
      body: bulk,
      headers: { 'idempotency-key': 'bulk-1' },
    })
    const b2 = await keyed(s, k.key, 'POST', '/api/licenses/bulk', {
      body: bulk,
      headers: { 'idempotency-key': 'bulk-1' },
    })
    expect(b1.status).toBe(201)
    expect(b2.body).toEqual(b1.body)
    expect(await countLicenses()).toBe(before + 3)

    const p1 = await keyed(s, k.key, 'POST', '/api/products', {
      body: { name: 'Once' },
      headers: { 'idempotency-key': 'p-1' },
    })
    const p2 = await keyed(s, k.key, 'POST', '/api/products', {
      body: { name: 'Once' },
      headers: { 'idempotency-key': 'p-1' },
    })
    expect(p2.body.data.id).toBe(p1.body.data.id)

    const hook = { url: 'https://example.com/hooks/keywarden', events: ['license.created'] }
    const w1 = await s.json('/api/webhooks', {
      method: 'POST',
      body: hook,
      headers: bearer({ 'idempotency-key': 'w-1' }),
    })
    const w2 = await s.json('/api/webhooks', {
      method: 'POST',
      body: hook,
      headers: bearer({ 'idempotency-key': 'w-1' }),
    })
    expect(w1.status).toBe(201)
    expect(w2.headers.get('idempotent-replayed')).toBe('true')
    expect(w2.body.data.id).toBe(w1.body.data.id)
    const hooks = await s.runtime.store.db.selectFrom('webhooks').select('id').execute()
    expect(hooks).toHaveLength(1)

    const order = { customer_email: 'buyer@example.com', product_id: productId, quantity: 2 }
    const o1 = await s.json('/api/orders', {
      method: 'POST',
      body: order,
      headers: bearer({ 'idempotency-key': 'o-1' }),
    })
    const o2 = await s.json('/api/orders', {
      method: 'POST',
      body: order,
      headers: bearer({ 'idempotency-key': 'o-1' }),
    })
    expect(o1.status).toBe(201)
    expect(o2.headers.get('idempotent-replayed')).toBe('true')
    expect(o2.body).toEqual(o1.body)
    expect(await s.runtime.store.db.selectFrom('orders').select('id').execute()).toHaveLength(1)

    const a1 = await s.json('/api/api-keys', {
      method: 'POST',
      body: { name: 'n', scopes: ['stats:read'] },
      headers: bearer({ 'idempotency-key': 'k-1' }),
    })
    const a2 = await s.json('/api/api-keys', {
      method: 'POST',
      body: { name: 'n', scopes: ['stats:read'] },
      headers: bearer({ 'idempotency-key': 'k-1' }),
    })
    expect(a2.body.data.id).toBe(a1.body.data.id)
    expect(a2.headers.get('idempotent-replayed')).toBe('true')
    // The stored answer carries the key and secret: sealed at rest, never in clear.
    const rows = await s.runtime.store.db.selectFrom('idempotency_keys').selectAll().execute()
    expect(JSON.stringify(rows)).not.toContain(a1.body.data.secret)
    expect(JSON.stringify(rows)).not.toContain(a1.body.data.key)
  })

  it('does not store invalid requests, and rejects malformed keys', async () => {
    const bad = await s.json('/api/licenses', {
      method: 'POST',
      body: { product_id: productId, max_uses: 0 },
      headers: bearer({ 'idempotency-key': 'v-1' }),
    })
    expect(bad.status).toBe(400)
    const good = await s.json('/api/licenses', {
      method: 'POST',
      body: { product_id: productId },
      headers: bearer({ 'idempotency-key': 'v-1' }),
    })
    expect(good.status).toBe(201)
    const long = await s.json('/api/licenses', {
      method: 'POST',
      body: { product_id: productId },
      headers: bearer({ 'idempotency-key': 'x'.repeat(300) }),
    })
    expect(long.status).toBe(400)
    expect(long.body.message).toMatch(/Idempotency-Key/)
  })

  it('remembers a key for 24 hours, then lets it be used afresh', async () => {
    const body = { product_id: productId, notes: 'day one' }
    const first = await s.json('/api/licenses', {
      method: 'POST',
      body,
      headers: bearer({ 'idempotency-key': 'daily' }),
    })
    expect(first.status).toBe(201)
    const almostDay = new Date(Date.now() - 23.9 * 3_600_000).toISOString()
    await s.runtime.store.db
      .updateTable('idempotency_keys')
      .set({ created_at: almostDay })
      .where('key', '=', 'daily')
      .execute()
    const within = await s.json('/api/licenses', {
      method: 'POST',
      body: { ...body, notes: 'other' },
      headers: bearer({ 'idempotency-key': 'daily' }),
    })
    expect(within.status).toBe(409)
    const dayAgo = new Date(Date.now() - 24.1 * 3_600_000).toISOString()
    await s.runtime.store.db
      .updateTable('idempotency_keys')
      .set({ created_at: dayAgo })
      .where('key', '=', 'daily')
      .execute()
    const after = await s.json('/api/licenses', {
      method: 'POST',
      body: { ...body, notes: 'other' },
      headers: bearer({ 'idempotency-key': 'daily' }),
    })
    expect(after.status).toBe(201)
    expect(after.body.data.id).not.toBe(first.body.data.id)
  })
})
