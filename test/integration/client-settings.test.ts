import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRuntime, type Runtime } from '../../src/main/runtime'
import { startTestServer, type TestServer } from '../helpers/server'
import { WireClient, seed } from '../helpers/licensecm-client'
import { api, firstAdmin } from '../helpers/mgmt'

/**
 * The client API's global limits are installation settings (management API, console): the
 * validation limit of unknown keys and of new products, and the encrypted-request window.
 */
let srv: TestServer
let admin: { token: string }
beforeAll(async () => {
  srv = await startTestServer()
  admin = await firstAdmin(srv)
})
afterAll(() => srv.stop())

const validate = (url: string, key: string, productId: string) =>
  fetch(`${url}/api/client/validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ license_key: key, product_id: productId, hwid: 'hw-limits' }),
  }).then(async (r) => ({ status: r.status, body: await r.json() }))

describe('client API settings', () => {
  it('default to 10 validations per minute and a ±300 s envelope window, and refuse bad values', async () => {
    const got = await api(srv, admin.token).get('/api/admin/settings')
    expect(got.body.data).toMatchObject({
      client_validate_per_minute: 10,
      envelope_window_seconds: 300,
    })
    const bad = await api(srv, admin.token).put('/api/admin/settings', {
      client_validate_per_minute: 0,
      envelope_window_seconds: 99_999,
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error_code).toBe('VALIDATION_ERROR')
    expect(bad.body.message).toContain('client_validate_per_minute')
  })

  it('limit unknown keys, start new products with the limit, and widen the envelope window', async () => {
    const set = await api(srv, admin.token).put('/api/admin/settings', {
      client_validate_per_minute: 2,
      envelope_window_seconds: 600,
    })
    expect(set.status).toBe(200)

    const { product } = await seed(srv)
    const statuses: number[] = []
    for (let i = 0; i < 3; i++)
      statuses.push((await validate(srv.url, 'NOPE-NOPE-NOPE-NOPE', product.id)).status)
    expect(statuses).toEqual([404, 404, 429])

    const made = await api(srv, admin.token).post('/api/products', { name: 'Limited App' })
    expect(made.body.data.policy.validate_per_minute).toBe(2)

    // An envelope 8 minutes old: outside the default ±5 min, inside the new ±10 min.
    const { product: p2, key } = await seed(srv)
    const c = new WireClient(srv.url, p2.id, p2.secret_key)
    const old = c.envelope(c.body({ license_key: key, hwid: 'h' }), Date.now() - 8 * 60_000)
    const res = await fetch(`${srv.url}/api/client/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(old),
    })
    expect(res.status).toBe(200)
  })

  it('are kept across a restart', async () => {
    await srv.runtime.close()
    let again: Runtime | null = null
    try {
      again = await startRuntime({
        dataDir: srv.dataDir,
        database: srv.database,
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
      })
      const product = await again.services.products.create({ kind: 'console' }, { name: 'After' })
      expect(product.policy).toMatchObject({ validate_per_minute: 2 })
      const statuses: number[] = []
      for (let i = 0; i < 3; i++)
        statuses.push((await validate(again.server!.url, 'GONE-GONE-GONE-GONE', product.id)).status)
      expect(statuses).toEqual([404, 404, 429])
    } finally {
      await again?.close()
    }
  })
})
