import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, firstAdmin } from '../helpers/mgmt'
import { signAccessToken } from '../../src/main/crypto/jwt'
import { JWT_SECRET } from '../../src/main/services/accounts'

/**
 * Every management route, as [method, path, body, what a valid admin token gets: status and
 * 'ok' (success with data) or the error code]. The password change is not sent as admin (it
 * would change the password), so it has no admin outcome.
 */
const ROUTES: [string, string, unknown, number?, string?][] = [
  ['GET', '/api/auth/me', undefined, 200, 'ok'],
  ['PUT', '/api/auth/password', { current_password: 'x', new_password: 'yyyyyyyy' }, undefined],
  ['GET', '/api/products', undefined, 200, 'ok'],
  ['POST', '/api/products', { name: 'x' }, 201, 'ok'],
  ['GET', '/api/products/p1', undefined, 404, 'PRODUCT_NOT_FOUND'],
  ['PUT', '/api/products/p1', { name: 'x' }, 404, 'PRODUCT_NOT_FOUND'],
  ['DELETE', '/api/products/p1', undefined, 404, 'PRODUCT_NOT_FOUND'],
  ['POST', '/api/products/p1/regenerate-key', {}, 404, 'PRODUCT_NOT_FOUND'],
  ['GET', '/api/licenses', undefined, 200, 'ok'],
  ['POST', '/api/licenses', { product_id: 'p1' }, 404, 'PRODUCT_NOT_FOUND'],
  ['POST', '/api/licenses/bulk', { product_id: 'p1', count: 2 }, 404, 'PRODUCT_NOT_FOUND'],
  ['GET', '/api/licenses/l1', undefined, 404, 'LICENSE_NOT_FOUND'],
  ['PUT', '/api/licenses/l1', { status: 'suspended' }, 404, 'LICENSE_NOT_FOUND'],
  ['DELETE', '/api/licenses/l1', undefined, 404, 'LICENSE_NOT_FOUND'],
  ['POST', '/api/licenses/l1/reset-hwid', {}, 404, 'LICENSE_NOT_FOUND'],
  ['GET', '/api/licenses/l1/logs', undefined, 404, 'LICENSE_NOT_FOUND'],
  ['GET', '/api/stats/dashboard', undefined, 200, 'ok'],
  ['GET', '/api/stats/products/p1', undefined, 404, 'PRODUCT_NOT_FOUND'],
  ['GET', '/api/notifications', undefined, 200, 'ok'],
  ['GET', '/api/notifications/unread-count', undefined, 200, 'ok'],
  ['PUT', '/api/notifications/n1/read', {}, 404, 'NOT_FOUND'],
  ['PUT', '/api/notifications/read-all', {}, 200, 'ok'],
  ['GET', '/api/admin/users', undefined, 200, 'ok'],
  ['PUT', '/api/admin/users/u1', { role: 'user' }, 404, 'NOT_FOUND'],
  ['GET', '/api/admin/settings', undefined, 200, 'ok'],
  ['PUT', '/api/admin/settings', { registration_open: true }, 200, 'ok'],
]

describe('management API: every route', () => {
  let s: TestServer
  let admin: { token: string; id: string }
  beforeAll(async () => {
    s = await startTestServer()
    admin = await firstAdmin(s)
    // This file sends a few hundred requests from one IP within a minute.
    await api(s, admin.token).put('/api/admin/settings', { api_rate_limit_per_minute: 10_000 })
  })
  afterAll(() => s.stop())

  const call = (method: string, path: string, body: unknown, token?: string) =>
    s.json(path, {
      method,
      body,
      headers: token ? { authorization: `Bearer ${token}` } : undefined,
    })

  it('answers 401 UNAUTHORIZED without a token, with a garbage one and with an expired one', async () => {
    const past = new Date(Date.now() - 3 * 3600_000)
    const expired = await signAccessToken(
      await s.runtime.services.settings.secret(JWT_SECRET),
      { sub: admin.id, ver: 0, auth_time: Math.floor(past.getTime() / 1000) },
      { now: past, ttlSeconds: 3600 },
    )
    for (const [method, path, body] of ROUTES) {
      for (const token of [undefined, 'garbage', expired]) {
        const r = await call(method, path, body, token)
        expect(r.status, `${method} ${path} ${token?.slice(0, 8)}`).toBe(401)
        expect(r.body).toMatchObject({ success: false, error_code: 'UNAUTHORIZED' })
      }
    }
  })

  it('answers a non-Bearer Authorization scheme with 401 too', async () => {
    const r = await s.json('/api/products', { headers: { authorization: `Basic ${btoa('a:b')}` } })
    expect(r.status).toBe(401)
  })

  it('answers every route with its own outcome in the envelope for a valid admin token', async () => {
    for (const [method, path, body, status, outcome] of ROUTES) {
      if (status === undefined) continue
      const r = await call(method, path, body, admin.token)
      expect([method, path, r.status]).toEqual([method, path, status])
      if (outcome === 'ok') expect(r.body).toMatchObject({ success: true, data: expect.anything() })
      else {
        expect(r.body).toEqual({ success: false, error_code: outcome, message: expect.any(String) })
      }
    }
  })

  it('accepts an empty body sent as application/json on body-less POSTs, like LicenseCM', async () => {
    const p = await api(s, admin.token).post('/api/products', { name: 'Empty body' })
    const res = await fetch(`${s.url}/api/products/${p.body.data.id}/regenerate-key`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    })
    expect(res.status).toBe(200)
    const refresh = await fetch(`${s.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: '',
    })
    expect(refresh.status).toBe(200)
    // A route that needs a body still says which.
    const none = await fetch(`${s.url}/api/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    })
    expect(none.status).toBe(400)
    expect(((await none.json()) as { error_code: string }).error_code).toBe('VALIDATION_ERROR')
    const poisoned = await api(s, admin.token).post(
      '/api/products',
      '{"name":"x","__proto__":{"admin":true}}',
    )
    expect(poisoned.status).toBe(400)
  })

  it('hides an unexpected failure behind 500 INTERNAL_ERROR without internals', async () => {
    const stats = s.runtime.services.stats
    const original = stats.dashboard
    stats.dashboard = async () => {
      throw new Error(
        'SQLITE_CORRUPT: database disk image is malformed at /secret/path/keywarden.db',
      )
    }
    try {
      const r = await api(s, admin.token).get('/api/stats/dashboard')
      expect(r.status).toBe(500)
      expect(r.body).toEqual({
        success: false,
        message: 'Internal server error',
        error_code: 'INTERNAL_ERROR',
      })
    } finally {
      stats.dashboard = original
    }
    expect((await api(s, admin.token).get('/api/stats/dashboard')).status).toBe(200)
  })

  it('answers unknown /api paths and methods with a JSON 404', async () => {
    const r = await api(s, admin.token).get('/api/licenses-nope')
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({ success: false, error_code: 'NOT_FOUND' })
    const m = await s.json('/api/stats/dashboard', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin.token}` },
    })
    expect(m.status).toBe(404)
    expect(m.body.success).toBe(false)
  })
})
