import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_KEY_SCOPES, type ApiKeyScope } from '@shared/apikeys'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin } from '../helpers/mgmt'
import { createKey, keyed, type CreatedKey } from '../helpers/apikeys'
import { registeredRoutes } from '../../src/main/http/middleware/openapi'
import { declaredScope } from '../../src/main/http/middleware/api-key'

/** A concrete path for a route pattern (`:id` -> a fresh uuid). */
const concrete = (url: string) => url.replace(/:[A-Za-z0-9_]+/g, () => randomUUID())
const lacks = (scope: string) => new RegExp(`lacks.*\\b${scope}\\b`)

describe('scope enforcement on every management route family', () => {
  let s: TestServer
  let jwt: string
  const without = new Map<ApiKeyScope, CreatedKey>()
  const only = new Map<ApiKeyScope, CreatedKey>()
  let routes: { method: string; url: string; scope: ApiKeyScope }[]

  beforeAll(async () => {
    s = await startTestServer()
    jwt = (await firstAdmin(s)).token
    // Hundreds of calls from one IP: lift the per-IP limit for this test only.
    await s.runtime.services.settings.update(
      { kind: 'console' },
      { api_rate_limit_per_minute: 100_000 },
    )
    routes = registeredRoutes(s.runtime.server!.app)
      .filter((r) => r.method !== 'HEAD' && !r.hidden)
      .flatMap((r) => {
        const scope = declaredScope(r.access)
        return scope ? [{ method: r.method, url: r.url, scope }] : []
      })
    for (const scope of new Set(routes.map((r) => r.scope))) {
      const rest = API_KEY_SCOPES.filter((x) => x !== scope && x !== 'admin')
      without.set(scope, await createKey(s, jwt, { name: `all but ${scope}`, scopes: rest }))
      only.set(scope, await createKey(s, jwt, { name: `only ${scope}`, scopes: [scope] }))
    }
  })
  afterAll(() => s.stop())

  it('covers every route family that declares a scope', () => {
    const families = new Set(routes.map((r) => r.url.split('/').slice(0, 3).join('/')))
    for (const f of [
      '/api/licenses',
      '/api/products',
      '/api/stats',
      '/api/notifications',
      '/api/admin',
      '/api/api-keys',
      '/api/account',
    ]) {
      expect(families, f).toContain(f)
    }
    expect(routes.length).toBeGreaterThan(20)
  })

  it('refuses a key without the needed scope with 403 naming it, on every route', async () => {
    const wrong: string[] = []
    for (const r of routes) {
      const res = await keyed(s, without.get(r.scope)!.key, r.method, concrete(r.url), {
        body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      })
      if (res.status !== 403 || !lacks(r.scope).test(res.body.message)) {
        wrong.push(`${r.method} ${r.url}: ${res.status} ${res.body.message}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('lets a key holding exactly that scope past the scope check, on every route', async () => {
    const wrong: string[] = []
    for (const r of routes) {
      const res = await keyed(s, only.get(r.scope)!.key, r.method, concrete(r.url), {
        body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      })
      if (res.status === 401 || (res.status === 403 && /lacks|scope/.test(res.body.message))) {
        wrong.push(`${r.method} ${r.url}: ${res.status} ${res.body.message}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('admin grants every scope', async () => {
    const admin = await createKey(s, jwt, { name: 'admin', scopes: ['admin'] })
    for (const path of [
      '/api/licenses',
      '/api/products',
      '/api/stats/dashboard',
      '/api/admin/settings',
    ]) {
      expect((await keyed(s, admin.key, 'GET', path)).status, path).toBe(200)
    }
  })

  it('keeps a product-bound key inside its product', async () => {
    const h = { authorization: `Bearer ${jwt}` }
    const mine = (
      await s.json('/api/products', { method: 'POST', body: { name: 'Mine' }, headers: h })
    ).body.data
    const theirs = (
      await s.json('/api/products', { method: 'POST', body: { name: 'Theirs' }, headers: h })
    ).body.data
    const theirLicense = (
      await s.json('/api/licenses', { method: 'POST', body: { product_id: theirs.id }, headers: h })
    ).body.data
    const k = await createKey(s, jwt, {
      name: 'bound',
      scopes: ['licenses:read', 'licenses:write', 'products:read', 'stats:read'],
      product_id: mine.id,
    })
    const created = await keyed(s, k.key, 'POST', '/api/licenses', {
      body: { product_id: mine.id },
    })
    expect(created.status).toBe(201)
    expect(
      (await keyed(s, k.key, 'POST', '/api/licenses', { body: { product_id: theirs.id } })).status,
    ).toBe(404)
    expect((await keyed(s, k.key, 'GET', `/api/licenses/${theirLicense.id}`)).status).toBe(404)
    const list = await keyed(s, k.key, 'GET', '/api/licenses')
    expect(list.status).toBe(200)
    expect(list.body.data.licenses.map((l: { product_id: string }) => l.product_id)).toEqual([
      mine.id,
    ])
    const products = await keyed(s, k.key, 'GET', '/api/products')
    expect(products.body.data.map((p: { id: string }) => p.id)).toEqual([mine.id])
    const stats = await keyed(s, k.key, 'GET', '/api/stats/dashboard')
    expect(stats.status).toBe(403)
    expect(stats.body.message).toMatch(/bound to one product/)
  })
})
