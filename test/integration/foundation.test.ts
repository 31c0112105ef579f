import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'

describe('foundation: health, console RPC over HTTP', () => {
  let s: TestServer
  const token = 'test-setup-token-123456'
  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: token } })
  })
  afterAll(() => s.stop())

  it('answers /api/health with status, version and uptime', async () => {
    const r = await s.json('/api/health')
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('ok')
    expect(r.body.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(typeof r.body.uptime_seconds).toBe('number')
  })

  it('answers unknown routes with a JSON 404', async () => {
    const r = await s.json('/api/nope')
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({ success: false, error_code: 'NOT_FOUND' })
  })

  it('refuses console RPC without login, and with a wrong token', async () => {
    const r = await s.json('/console/rpc/products.list', { body: {} })
    expect(r.status).toBe(401)
    const bad = await s.json('/console/login', { body: { token: 'wrong' } })
    expect(bad.status).toBe(401)
  })

  it('logs in with the setup token and drives products and licenses through the contract', async () => {
    const login = await fetch(s.url + '/console/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]
    const { data } = (await login.json()) as { data: { csrf: string } }
    const rpc = (channel: string, body: unknown, csrf = data.csrf) =>
      s.json(`/console/rpc/${channel}`, { body, headers: { cookie, 'x-csrf-token': csrf } })

    const noCsrf = await rpc('products.list', {}, 'wrong')
    expect(noCsrf.status).toBe(403)

    const created = await rpc('products.create', { name: 'My App' })
    expect(created.body.ok).toBe(true)
    const product = created.body.data
    expect(product.secret_key).toMatch(/^sk_live_[A-Za-z0-9]{48}$/)

    const bad = await rpc('products.create', { name: '' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION_ERROR')

    const lic = await rpc('licenses.create', { product_id: product.id, type: 'lifetime' })
    expect(lic.body.data.license_key).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$/)
    expect(lic.body.data.status).toBe('active')

    const list = await rpc('licenses.list', { product_id: product.id })
    expect(list.body.data.total).toBe(1)
    expect(list.body.data.items[0].license_key).toBe(lic.body.data.license_key)

    const missing = await rpc('licenses.get', { id: 'nope' })
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'LICENSE_NOT_FOUND' } })

    const unknown = await rpc('no.such', {})
    expect(unknown.body.error.code).toBe('NOT_FOUND')
  })
})
