import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, firstAdmin, userAccount } from '../helpers/mgmt'

const KEY = /^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$/

describe('management API: licenses', () => {
  let s: TestServer
  let admin: { token: string; id: string }
  let user: { token: string; id: string }
  let productId: string
  let otherProductId: string
  let license: { id: string; license_key: string }
  const A = () => api(s, admin.token)

  beforeAll(async () => {
    s = await startTestServer()
    admin = await firstAdmin(s)
    user = await userAccount(s, admin.token)
    productId = (await A().post('/api/products', { name: 'Licensed App' })).body.data.id
    otherProductId = (await A().post('/api/products', { name: 'Other App' })).body.data.id
  })
  afterAll(() => s.stop())

  it('refuses every license route without a token', async () => {
    const a = api(s)
    for (const r of await Promise.all([
      a.get('/api/licenses'),
      a.post('/api/licenses', { product_id: productId }),
      a.post('/api/licenses/bulk', { product_id: productId, count: 2 }),
      a.get('/api/licenses/x'),
      a.put('/api/licenses/x', { status: 'suspended' }),
      a.del('/api/licenses/x'),
      a.post('/api/licenses/x/reset-hwid'),
      a.get('/api/licenses/x/logs'),
    ])) {
      expect(r.status).toBe(401)
      expect(r.body.error_code).toBe('UNAUTHORIZED')
    }
  })

  it('creates a license from the reference body, with the reference fields', async () => {
    const r = await A().post('/api/licenses', {
      product_id: productId,
      type: 'subscription',
      max_uses: 1,
      hwid_locked: true,
      expires_at: '2099-12-31T23:59:59Z',
      metadata: { plan: 'pro', features: ['feature1', 'feature2'] },
    })
    expect(r.status).toBe(201)
    expect(r.body.success).toBe(true)
    expect(r.body.data).toMatchObject({
      product_id: productId,
      type: 'subscription',
      status: 'active',
      hwid: null,
      hwid_locked: true,
      max_uses: 1,
      current_uses: 0,
      expires_at: '2099-12-31T23:59:59.000Z',
      metadata: { plan: 'pro', features: ['feature1', 'feature2'] },
    })
    expect(r.body.data.license_key).toMatch(KEY)
    expect(r.body.data.created_at).toMatch(/Z$/)
    license = r.body.data
    const one = await A().get(`/api/licenses/${license.id}`)
    expect(one.body.data).toMatchObject({ id: license.id, license_key: license.license_key })
  })

  it('binds a machine through the client API; the license shows hwid and current_uses; logs record it', async () => {
    const act = await s.json('/api/client/activate', {
      body: { license_key: license.license_key, hwid: 'machine-hwid-1', product_id: productId },
      headers: { 'user-agent': 'test-agent/1.0' },
    })
    expect(act.status).toBe(200)
    const one = await A().get(`/api/licenses/${license.id}`)
    expect(one.body.data).toMatchObject({ hwid: 'machine-hwid-1', current_uses: 1 })

    const logs = await A().get(`/api/licenses/${license.id}/logs`)
    expect(logs.status).toBe(200)
    const activation = logs.body.data.logs.find(
      (l: { action: string }) => l.action === 'activation',
    )
    expect(activation).toMatchObject({
      hwid: 'machine-hwid-1',
      ip_address: '127.0.0.1',
      user_agent: 'test-agent/1.0',
    })
    expect(activation.created_at).toMatch(/Z$/)
    expect(logs.body.data.pagination).toMatchObject({ page: 1, limit: 20 })
    expect(logs.body.data.pagination.total).toBe(logs.body.data.logs.length)
  })

  it('resets the HWID: every binding is freed', async () => {
    const r = await A().post(`/api/licenses/${license.id}/reset-hwid`)
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({ id: license.id, hwid: null, current_uses: 0 })
    const logs = await A().get(`/api/licenses/${license.id}/logs`)
    expect(logs.body.data.logs[0].action).toBe('hwid_reset')
  })

  it('updates a license with the reference body', async () => {
    const r = await A().put(`/api/licenses/${license.id}`, {
      status: 'suspended',
      max_uses: 2,
      hwid_locked: false,
      expires_at: '2026-12-31T23:59:59Z',
      metadata: { note: 'Updated' },
    })
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({
      status: 'suspended',
      max_uses: 2,
      hwid_locked: false,
      expires_at: '2026-12-31T23:59:59.000Z',
      metadata: { note: 'Updated' },
    })
    const back = await A().put(`/api/licenses/${license.id}`, {
      status: 'active',
      expires_at: '2099-01-01T00:00:00Z',
    })
    expect(back.body.data.status).toBe('active')
  })

  it('bulk-creates 1-100 licenses in one call and refuses 0 or 101', async () => {
    const r = await A().post('/api/licenses/bulk', {
      product_id: otherProductId,
      count: 10,
      type: 'trial',
      max_uses: 1,
      hwid_locked: true,
      expires_at: '2099-12-31T23:59:59Z',
    })
    expect(r.status).toBe(201)
    expect(r.body.data.created).toBe(10)
    expect(r.body.data.licenses).toHaveLength(10)
    const keys = new Set(r.body.data.licenses.map((l: { license_key: string }) => l.license_key))
    expect(keys.size).toBe(10)
    for (const l of r.body.data.licenses)
      expect(l).toMatchObject({ product_id: otherProductId, type: 'trial', status: 'active' })

    for (const count of [0, 101, 2.5, '5']) {
      const bad = await A().post('/api/licenses/bulk', { product_id: otherProductId, count })
      expect(bad.status).toBe(400)
      expect(bad.body.error_code).toBe('VALIDATION_ERROR')
      expect(bad.body.message).toContain('body.count')
    }
    const noProduct = await A().post('/api/licenses/bulk', {
      product_id: 'no-such-product',
      count: 5,
    })
    expect(noProduct.status).toBe(404)
    expect(noProduct.body.error_code).toBe('PRODUCT_NOT_FOUND')
    const total = await A().get(`/api/licenses?product_id=${otherProductId}`)
    expect(total.body.data.pagination.total).toBe(10)
  })

  it('lists with filters and pagination in the reference shape', async () => {
    // 25 lifetime licenses on a fresh product, one of them past its expiry date.
    const p = (await A().post('/api/products', { name: 'Paged' })).body.data.id
    await A().post('/api/licenses/bulk', { product_id: p, count: 24, type: 'lifetime' })
    const past = await A().post('/api/licenses', {
      product_id: p,
      type: 'subscription',
      expires_at: new Date(Date.now() - 60_000).toISOString(),
    })
    expect(past.body.data.status).toBe('expired')

    const page3 = await A().get(`/api/licenses?product_id=${p}&page=3&limit=10`)
    expect(page3.status).toBe(200)
    expect(page3.body.data.licenses).toHaveLength(5)
    expect(page3.body.data.pagination).toEqual({ page: 3, limit: 10, total: 25, pages: 3 })

    const def = await A().get(`/api/licenses?product_id=${p}`)
    expect(def.body.data.licenses).toHaveLength(20)
    expect(def.body.data.pagination).toEqual({ page: 1, limit: 20, total: 25, pages: 2 })

    const expired = await A().get(`/api/licenses?product_id=${p}&status=expired`)
    expect(expired.body.data.licenses.map((l: { id: string }) => l.id)).toEqual([past.body.data.id])
    expect(expired.body.data.licenses[0].status).toBe('expired')
    const active = await A().get(`/api/licenses?product_id=${p}&status=active`)
    expect(active.body.data.pagination.total).toBe(24)

    const sub = await A().get(`/api/licenses?product_id=${p}&type=subscription`)
    expect(sub.body.data.pagination.total).toBe(1)
    const trials = await A().get(`/api/licenses?type=trial`)
    expect(trials.body.data.licenses.every((l: { type: string }) => l.type === 'trial')).toBe(true)
    expect(trials.body.data.pagination.total).toBe(10)

    const beyond = await A().get(`/api/licenses?product_id=${p}&page=9`)
    expect(beyond.body.data.licenses).toEqual([])
  })

  it('refuses bad list queries with the field named', async () => {
    const cases: [string, string][] = [
      ['limit=abc', 'query.limit'],
      ['limit=0', 'query.limit'],
      ['limit=100000', 'query.limit'],
      ['page=-1', 'query.page'],
      ['status=deleted', 'query.status'],
      ['type=forever', 'query.type'],
    ]
    for (const [q, field] of cases) {
      const r = await A().get(`/api/licenses?${q}`)
      expect(r.status, q).toBe(400)
      expect(r.body.error_code).toBe('VALIDATION_ERROR')
      expect(r.body.message).toContain(field)
    }
  })

  it('refuses bad create/update bodies with the field named', async () => {
    const cases: [unknown, string][] = [
      [{}, 'body.product_id'],
      [{ product_id: productId, type: 'forever' }, 'body.type'],
      [{ product_id: productId, max_uses: 0 }, 'body.max_uses'],
      [{ product_id: productId, max_uses: 'one' }, 'body.max_uses'],
      [{ product_id: productId, hwid_locked: 'yes' }, 'body.hwid_locked'],
      [{ product_id: productId, expires_at: 'tomorrow' }, 'body.expires_at'],
      [{ product_id: productId, metadata: 'x' }, 'body.metadata'],
    ]
    for (const [body, field] of cases) {
      const r = await A().post('/api/licenses', body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.body.message).toContain(field)
    }
    const upd = await A().put(`/api/licenses/${license.id}`, { status: 'banned-forever' })
    expect(upd.status).toBe(400)
    expect(upd.body.message).toContain('body.status')
    const malformed = await A().post('/api/licenses', '{"product_id": ')
    expect(malformed.status).toBe(400)
    expect(malformed.body.message).toBe('Malformed JSON body')
    const missing = await A().get('/api/licenses/no-such-id')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({
      success: false,
      message: 'License not found',
      error_code: 'LICENSE_NOT_FOUND',
    })
  })

  it("keeps a user out of another account's licenses", async () => {
    const U = api(s, user.token)
    const own = (await U.post('/api/products', { name: 'Mine' })).body.data.id
    const mine = await U.post('/api/licenses', { product_id: own })
    expect(mine.status).toBe(201)

    const list = await U.get('/api/licenses')
    expect(list.body.data.licenses.map((l: { id: string }) => l.id)).toEqual([mine.body.data.id])
    expect((await U.get(`/api/licenses?product_id=${productId}`)).body.data.licenses).toEqual([])

    for (const r of [
      await U.get(`/api/licenses/${license.id}`),
      await U.put(`/api/licenses/${license.id}`, { status: 'suspended' }),
      await U.post(`/api/licenses/${license.id}/reset-hwid`),
      await U.get(`/api/licenses/${license.id}/logs`),
      await U.del(`/api/licenses/${license.id}`),
    ]) {
      expect(r.status).toBe(404)
      expect(r.body.error_code).toBe('LICENSE_NOT_FOUND')
    }
    const create = await U.post('/api/licenses', { product_id: productId })
    expect(create.status).toBe(404)
    expect(create.body.error_code).toBe('PRODUCT_NOT_FOUND')
    expect((await A().get(`/api/licenses/${license.id}`)).body.data.status).toBe('active')
    // The admin sees the user's license.
    expect((await A().get(`/api/licenses/${mine.body.data.id}`)).status).toBe(200)
  })

  it('deletes a license', async () => {
    const r = await A().del(`/api/licenses/${license.id}`)
    expect(r.status).toBe(200)
    expect(r.body.data).toEqual({ id: license.id, deleted: true })
    expect((await A().get(`/api/licenses/${license.id}`)).status).toBe(404)
  })
})
