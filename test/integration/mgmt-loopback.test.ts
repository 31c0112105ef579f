import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, firstAdmin } from '../helpers/mgmt'

/**
 * Admin surfaces stay on loopback unless the vendor opens them: a server listening on the LAN
 * for shipped apps still refuses management requests from other machines.
 */
describe('management API from another machine', () => {
  let s: TestServer
  let token: string
  const fromLan = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}) =>
    s.runtime.server!.app.inject({ method, url, headers, remoteAddress: '192.168.1.50' })

  beforeAll(async () => {
    s = await startTestServer()
    token = (await firstAdmin(s)).token
  })
  afterAll(() => s.stop())

  it('is refused by default, in the LicenseCM error shape, even with valid credentials', async () => {
    const res = await fromLan('GET', '/api/products', { authorization: `Bearer ${token}` })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({
      success: false,
      error_code: 'FORBIDDEN',
      message: expect.stringMatching(/only on this machine/),
    })
    // The same request from this machine works.
    expect((await api(s, token).get('/api/products')).status).toBe(200)
  })

  it('leaves the client API and health reachable from the LAN', async () => {
    expect((await fromLan('GET', '/api/client/public-key')).statusCode).toBe(200)
    expect((await fromLan('GET', '/api/health')).statusCode).toBe(200)
    const validate = await s.runtime.server!.app.inject({
      method: 'POST',
      url: '/api/client/validate',
      payload: { license_key: 'NOPE-NOPE-NOPE-NOPE', hwid: 'h', product_id: 'p' },
      remoteAddress: '192.168.1.50',
    })
    // Answered by the client API itself (no such key), not refused by the management gate.
    expect(validate.statusCode).toBe(404)
    expect(validate.json().error_code).toBe('LICENSE_NOT_FOUND')
  })

  it('answers other machines once an admin opens it in settings', async () => {
    const opened = await api(s, token).put('/api/admin/settings', {
      management_remote_access: true,
    })
    expect(opened.status).toBe(200)
    expect(opened.body.data.management_remote_access).toBe(true)
    const res = await fromLan('GET', '/api/products', { authorization: `Bearer ${token}` })
    expect(res.statusCode).toBe(200)
    // Credentials are still required.
    expect((await fromLan('GET', '/api/products')).statusCode).toBe(401)
  })
})
