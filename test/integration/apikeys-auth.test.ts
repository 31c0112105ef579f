import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin, userAccount } from '../helpers/mgmt'
import { createKey, keyed } from '../helpers/apikeys'

describe('API keys: creation, X-API-Key authentication, 401 and 403 cases', () => {
  let s: TestServer
  let jwt: string
  beforeAll(async () => {
    s = await startTestServer()
    jwt = (await firstAdmin(s)).token
  })
  afterAll(() => s.stop())

  it('creates a key: key and secret shown once, key stored as SHA-256, secret sealed', async () => {
    const r = await s.json('/api/api-keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}` },
      body: { name: 'CI', scopes: ['licenses:read', 'licenses:write'] },
    })
    expect(r.status).toBe(201)
    const k = r.body.data
    expect(k.key).toMatch(/^kw_live_[A-Za-z0-9]{40}$/)
    expect(k.secret).toMatch(/^[A-Za-z0-9]{48}$/)
    expect(k.prefix).toBe(k.key.slice(0, 16))
    expect(k).toMatchObject({
      name: 'CI',
      scopes: ['licenses:read', 'licenses:write'],
      require_signature: false,
    })

    const row = await s.runtime.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', k.id)
      .executeTakeFirstOrThrow()
    expect(row.key_hash).toBe(createHash('sha256').update(k.key).digest('hex'))
    const stored = JSON.stringify(row)
    expect(stored).not.toContain(k.key)
    expect(stored).not.toContain(k.secret)
    expect(statSync(join(s.dataDir, 'master.key')).mode & 0o777).toBe(0o600)

    const list = await s.json('/api/api-keys', { headers: { authorization: `Bearer ${jwt}` } })
    expect(list.status).toBe(200)
    const listed = list.body.data.find((x: { id: string }) => x.id === k.id)
    expect(listed.prefix).toBe(k.prefix)
    expect(listed).not.toHaveProperty('key')
    expect(listed).not.toHaveProperty('secret')
  })

  it('refuses bad create input with a clear 400', async () => {
    const h = { authorization: `Bearer ${jwt}` }
    const noScope = await s.json('/api/api-keys', {
      method: 'POST',
      headers: h,
      body: { name: 'x', scopes: [] },
    })
    expect(noScope.status).toBe(400)
    expect(noScope.body.error_code).toBe('VALIDATION_ERROR')
    const badScope = await s.json('/api/api-keys', {
      method: 'POST',
      headers: h,
      body: { name: 'x', scopes: ['root'] },
    })
    expect(badScope.status).toBe(400)
    const badIp = await s.json('/api/api-keys', {
      method: 'POST',
      headers: h,
      body: { name: 'x', scopes: ['admin'], ip_allowlist: ['10.0.0.300'] },
    })
    expect(badIp.status).toBe(400)
    expect(badIp.body.message).toMatch(/ip_allowlist/)
    const past = await s.json('/api/api-keys', {
      method: 'POST',
      headers: h,
      body: { name: 'x', scopes: ['admin'], expires_at: '2020-01-01T00:00:00Z' },
    })
    expect(past.status).toBe(400)
    expect(past.body.message).toMatch(/future/)
    const noProduct = await s.json('/api/api-keys', {
      method: 'POST',
      headers: h,
      body: { name: 'x', scopes: ['admin'], product_id: 'no-such-product' },
    })
    expect(noProduct.status).toBe(404)
  })

  it('authenticates X-API-Key and records last use (time and IP)', async () => {
    const k = await createKey(s, jwt, { name: 'admin key', scopes: ['admin'] })
    const me = await keyed(s, k.key, 'GET', '/api/api-keys')
    expect(me.status).toBe(200)
    const listed = me.body.data.find((x: { id: string }) => x.id === k.id)
    expect(listed.last_used_ip).toBe('127.0.0.1')
    expect(Date.now() - Date.parse(listed.last_used_at)).toBeLessThan(60_000)
  })

  it('401: missing, unknown, expired and revoked keys', async () => {
    const none = await s.json('/api/api-keys')
    expect(none.status).toBe(401)
    expect(none.body).toMatchObject({ success: false, error_code: 'UNAUTHORIZED' })
    expect(none.body.message).toMatch(/X-API-Key/)

    const unknown = await keyed(s, 'kw_live_' + 'x'.repeat(40), 'GET', '/api/api-keys')
    expect(unknown.status).toBe(401)
    expect(unknown.body.message).toBe('Invalid API key')
    const empty = await keyed(s, '', 'GET', '/api/api-keys')
    expect(empty.status).toBe(401)

    const exp = await createKey(s, jwt, {
      name: 'soon',
      scopes: ['admin'],
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    })
    expect((await keyed(s, exp.key, 'GET', '/api/api-keys')).status).toBe(200)
    await s.runtime.store.db
      .updateTable('api_keys')
      .set({ expires_at: '2020-01-01T00:00:00.000Z' })
      .where('id', '=', exp.id)
      .execute()
    const expired = await keyed(s, exp.key, 'GET', '/api/api-keys')
    expect(expired.status).toBe(401)
    expect(expired.body.message).toMatch(/expired/)

    const rev = await createKey(s, jwt, { name: 'to revoke', scopes: ['admin'] })
    expect((await keyed(s, rev.key, 'GET', '/api/api-keys')).status).toBe(200)
    const del = await s.json(`/api/api-keys/${rev.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${jwt}` },
    })
    expect(del.status).toBe(200)
    expect(del.body.data.revoked_at).toMatch(/^\d{4}-/)
    const revoked = await keyed(s, rev.key, 'GET', '/api/api-keys')
    expect(revoked.status).toBe(401)
    expect(revoked.body.message).toMatch(/revoked/)
  })

  it('401 from an address outside the allow-list; allowed from inside it (IP or CIDR)', async () => {
    const outside = await createKey(s, jwt, {
      name: 'office',
      scopes: ['admin'],
      ip_allowlist: ['203.0.113.0/24'],
    })
    const r = await keyed(s, outside.key, 'GET', '/api/api-keys')
    expect(r.status).toBe(401)
    expect(r.body.message).toMatch(/not allowed from IP 127\.0\.0\.1/)
    const inside = await createKey(s, jwt, {
      name: 'local',
      scopes: ['admin'],
      ip_allowlist: ['10.0.0.1', '127.0.0.0/8'],
    })
    expect((await keyed(s, inside.key, 'GET', '/api/api-keys')).status).toBe(200)
  })

  it("acts as its account: a user's key sees only that user's data, and stops when the account is deactivated", async () => {
    const user = await userAccount(s, jwt)
    const mine = await s.json('/api/products', {
      method: 'POST',
      body: { name: 'User product' },
      headers: { authorization: `Bearer ${user.token}` },
    })
    expect(mine.status).toBe(201)
    const k = await createKey(s, user.token, { name: 'user key', scopes: ['products:read'] })
    const seen = await keyed(s, k.key, 'GET', '/api/products')
    expect(seen.status).toBe(200)
    expect(seen.body.data.map((p: { id: string }) => p.id)).toEqual([mine.body.data.id])
    // Nor can a user's key reach admin routes, whatever scopes it holds.
    const adminScoped = await createKey(s, user.token, {
      name: 'user admin key',
      scopes: ['admin'],
    })
    expect((await keyed(s, adminScoped.key, 'GET', '/api/admin/users')).status).toBe(403)

    const off = await s.json(`/api/admin/users/${user.id}`, {
      method: 'PUT',
      body: { is_active: false },
      headers: { authorization: `Bearer ${jwt}` },
    })
    expect(off.status).toBe(200)
    const after = await keyed(s, k.key, 'GET', '/api/products')
    expect(after.status).toBe(401)
    expect(after.body.message).toMatch(/deactivated/)
  })

  it('403 naming the scope when the key lacks it', async () => {
    const k = await createKey(s, jwt, { name: 'reader', scopes: ['licenses:read'] })
    const r = await keyed(s, k.key, 'GET', '/api/api-keys')
    expect(r.status).toBe(403)
    expect(r.body.error_code).toBe('FORBIDDEN')
    expect(r.body.message).toMatch(/lacks .*admin/)
    const c = await keyed(s, k.key, 'POST', '/api/api-keys', {
      body: { name: 'escalate', scopes: ['admin'] },
    })
    expect(c.status).toBe(403)
  })

  it('a product-bound key can only mint keys bound to its own product', async () => {
    const p = await s.runtime.services.products.create({ kind: 'console' }, { name: 'Bound' })
    const k = await createKey(s, jwt, { name: 'bound admin', scopes: ['admin'], product_id: p.id })
    const minted = await keyed(s, k.key, 'POST', '/api/api-keys', {
      body: { name: 'child', scopes: ['licenses:read'] },
    })
    expect(minted.status).toBe(201)
    expect(minted.body.data.product_id).toBe(p.id)
    const other = await s.runtime.services.products.create({ kind: 'console' }, { name: 'Other' })
    const refused = await keyed(s, k.key, 'POST', '/api/api-keys', {
      body: { name: 'child', scopes: ['licenses:read'], product_id: other.id },
    })
    expect(refused.status).toBe(404)
  })
})
