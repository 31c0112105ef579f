import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginConsole, startTestServer, type ConsoleRpc, type TestServer } from '../helpers/server'
import { keyed } from '../helpers/apikeys'

describe('API keys from the console (contract channels)', () => {
  let s: TestServer
  let rpc: ConsoleRpc
  const token = 'console-token-apikeys-1234'
  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: token } })
    rpc = await loginConsole(s, token)
  })
  afterAll(() => s.stop())

  it('creates a key (shown once), lists it with last use, and revokes it', async () => {
    const created = await rpc('apiKeys.create', {
      name: 'Store backend',
      scopes: ['licenses:write'],
      require_signature: true,
    })
    expect(created.body.ok).toBe(true)
    const k = created.body.data
    expect(k.key).toMatch(/^kw_live_/)
    expect(k.account_id).toBeNull() // the installation's own key

    const r = await keyed(s, k.key, 'GET', '/api/licenses')
    expect(r.status).toBe(403) // licenses:write does not read
    expect(r.body.message).toMatch(/licenses:read/)

    const list = await rpc('apiKeys.list', {})
    const row = list.body.data.find((x: { id: string }) => x.id === k.id)
    expect(row).toMatchObject({
      name: 'Store backend',
      require_signature: true,
      last_used_ip: '127.0.0.1',
    })
    expect(row).not.toHaveProperty('secret')

    const revoked = await rpc('apiKeys.revoke', { id: k.id })
    expect(revoked.body.data.revoked_at).not.toBeNull()
    expect((await keyed(s, k.key, 'GET', '/api/licenses')).status).toBe(401)
  })

  it('refuses invalid input with the field named', async () => {
    const bad = await rpc('apiKeys.create', { name: '', scopes: ['licenses:read'] })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION_ERROR')
    const missing = await rpc('apiKeys.revoke', { id: 'nope' })
    expect(missing.body.error.code).toBe('NOT_FOUND')
  })
})
