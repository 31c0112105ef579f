import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, firstAdmin } from '../helpers/mgmt'

/** The management routes honour what an API key may touch: its scopes and its one product. */
describe('management API: product-bound API keys', () => {
  let s: TestServer
  let productA: string
  let productB: string
  let licenseA: string
  let licenseB: string
  let key: string
  const K = () => ({
    get: (path: string) => s.json(path, { headers: { 'x-api-key': key } }),
    post: (path: string, body: unknown) => s.json(path, { body, headers: { 'x-api-key': key } }),
  })

  beforeAll(async () => {
    s = await startTestServer()
    const admin = await firstAdmin(s)
    const A = api(s, admin.token)
    productA = (await A.post('/api/products', { name: 'A' })).body.data.id
    productB = (await A.post('/api/products', { name: 'B' })).body.data.id
    licenseA = (await A.post('/api/licenses', { product_id: productA })).body.data.id
    licenseB = (await A.post('/api/licenses', { product_id: productB })).body.data.id
    const created = await s.runtime.services.apiKeys.create(
      { kind: 'account', accountId: admin.id, role: 'admin' },
      {
        name: 'bound to A',
        scopes: ['products:read', 'licenses:read', 'licenses:write', 'stats:read'],
        product_id: productA,
      },
    )
    key = created.key
  })
  afterAll(() => s.stop())

  it('lists and reads only its product and that product’s licenses', async () => {
    const products = await K().get('/api/products')
    expect(products.status).toBe(200)
    expect(products.body.data.map((p: { id: string }) => p.id)).toEqual([productA])
    expect((await K().get(`/api/products/${productB}`)).body.error_code).toBe('PRODUCT_NOT_FOUND')

    const list = await K().get('/api/licenses')
    expect(list.body.data.licenses.map((l: { id: string }) => l.id)).toEqual([licenseA])
    const other = await K().get(`/api/licenses?product_id=${productB}`)
    expect(other.status).toBe(404)
    expect(other.body.error_code).toBe('PRODUCT_NOT_FOUND')
    expect((await K().get(`/api/licenses/${licenseA}`)).status).toBe(200)
    const lb = await K().get(`/api/licenses/${licenseB}`)
    expect(lb.status).toBe(404)
    expect(lb.body.error_code).toBe('LICENSE_NOT_FOUND')
    expect((await K().get(`/api/licenses/${licenseB}/logs`)).status).toBe(404)
  })

  it('creates licenses only for its product', async () => {
    expect((await K().post('/api/licenses', { product_id: productA })).status).toBe(201)
    const b = await K().post('/api/licenses', { product_id: productB })
    expect(b.status).toBe(404)
    expect((await K().post('/api/licenses/bulk', { product_id: productB, count: 2 })).status).toBe(
      404,
    )
  })

  it('is refused what its scopes do not grant', async () => {
    const create = await K().post('/api/products', { name: 'C' })
    expect(create.status).toBe(403)
    expect(create.body.error_code).toBe('FORBIDDEN')
    expect((await K().get('/api/admin/users')).status).toBe(403)
    expect((await K().get('/api/notifications')).status).toBe(403)
  })

  it('never reads stats of another product', async () => {
    // The API-key layer refuses product-bound keys on /api/stats altogether (403); either way
    // no number about product B leaks.
    for (const path of [`/api/stats/products/${productB}`, '/api/stats/dashboard']) {
      const r = await K().get(path)
      expect([403, 404]).toContain(r.status)
      expect(r.body.success).toBe(false)
    }
  })

  it('refuses an unknown key', async () => {
    const r = await s.json('/api/products', { headers: { 'x-api-key': 'kw_live_nope' } })
    expect(r.status).toBe(401)
    expect(r.body.error_code).toBe('UNAUTHORIZED')
  })
})
