import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginConsole, startTestServer, type ConsoleRpc, type TestServer } from '../helpers/server'
import { HirezClient } from '../helpers/hirez-client'
import { productWithLicense } from './hirez-helpers'

/** Issue 15: Hi-Rez developer credentials from the console (contract channels). */
describe('developer credentials from the console', () => {
  let s: TestServer
  let rpc: ConsoleRpc
  const token = 'console-token-hirez-1234'
  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: token } })
    rpc = await loginConsole(s, token)
  })
  afterAll(() => s.stop())

  it('creates (key once), shows usage today, edits limits and scope, re-keys, revokes', async () => {
    const { product } = await productWithLicense(s)
    const created = await rpc('hirez.create', { name: 'Reseller', limits: { daily_requests: 10 } })
    expect(created.status).toBe(200)
    const d = created.body.data
    expect(d.auth_key).toMatch(/^[0-9A-F]{32}$/)
    expect(d.account_id).toBeNull()
    const c = new HirezClient(s.url, d.dev_id, d.auth_key)
    await c.createSession()
    await c.call('getdataused')

    const list = await rpc('hirez.list', {})
    const row = list.body.data.find((x: { dev_id: number }) => x.dev_id === d.dev_id)
    expect(row.usage).toEqual({
      active_sessions: 1,
      sessions_today: 1,
      requests_today: 2,
      licenses_created: 0,
    })
    expect(row).not.toHaveProperty('auth_key')

    const edited = await rpc('hirez.update', {
      dev_id: d.dev_id,
      patch: { product_ids: [product.id], limits: { concurrent_sessions: 1 } },
    })
    expect(edited.body.data).toMatchObject({
      product_ids: [product.id],
      limits: { concurrent_sessions: 1, daily_requests: 10 },
    })
    expect((await c.createSession()).body.ret_msg).toBe('Maximum number of active sessions reached')

    const rekeyed = await rpc('hirez.rekey', { dev_id: d.dev_id })
    expect(rekeyed.body.data.auth_key).not.toBe(d.auth_key)
    expect(rekeyed.body.data.usage.active_sessions).toBe(0)

    const revoked = await rpc('hirez.revoke', { dev_id: d.dev_id })
    expect(revoked.body.data.revoked_at).not.toBeNull()
    c.authKey = rekeyed.body.data.auth_key
    expect((await c.createSession()).body.ret_msg).toBe('Unauthorized Developer Id')
  })

  it('refuses invalid input with the field named', async () => {
    const bad = await rpc('hirez.create', { name: 'x', limits: { session_minutes: 0 } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION_ERROR')
    // A dev_id no credential holds (ids are random: pick one the list does not have).
    const taken = new Set(
      (await rpc('hirez.list', {})).body.data.map((x: { dev_id: number }) => x.dev_id),
    )
    const free = [9999, 9998, 9997].find((id) => !taken.has(id))
    const missing = await rpc('hirez.revoke', { dev_id: free })
    expect(missing.body.error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Developer credential not found',
    })
  })
})
