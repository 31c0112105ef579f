import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, firstAdmin, userAccount } from '../helpers/mgmt'
import { WireClient, seed } from '../helpers/licensecm-client'

let srv: TestServer
let admin: ReturnType<typeof api>
let adminToken: string
beforeAll(async () => {
  srv = await startTestServer()
  adminToken = (await firstAdmin(srv)).token
  admin = api(srv, adminToken)
})
afterAll(() => srv.stop())

const client = (path: string, body: unknown) => srv.json(`/api/client${path}`, { body })
// The reference's security_blocked answer (error_code BLACKLISTED rides along).
const BLOCKED = (type: string, reason = 'blacklist_hit') => ({
  success: false,
  error_code: 'BLACKLISTED',
  message: 'Access denied',
  security_blocked: true,
  security_details: { reason, type },
})

describe('blacklist: every client surface refuses in the security_blocked shape', () => {
  it('an IP block (quick action, 24 h) stops /api/client/* but never the management API', async () => {
    const { product, key } = await seed(srv)
    const body = { license_key: key, product_id: product.id, hwid: 'hw-ip' }
    expect((await client('/validate', body)).status).toBe(200)

    const b = await admin.post('/api/security/block-ip', {
      ip: '127.0.0.1',
      reason: 'Malicious activity',
    })
    expect(b.status).toBe(201)
    expect(b.body.data).toMatchObject({
      type: 'ip',
      value: '127.0.0.1',
      is_active: true,
      source: 'manual',
    })
    const hours = (Date.parse(b.body.data.expires_at) - Date.now()) / 3_600_000
    expect(hours).toBeGreaterThan(23.9)
    expect(hours).toBeLessThanOrEqual(24)

    for (const path of ['/validate', '/activate']) {
      const r = await client(path, body)
      expect(r.status).toBe(403)
      expect(r.body).toEqual(BLOCKED('ip'))
    }
    // The admin on the same address is not locked out.
    const ev = await admin.get('/api/security/events?event_type=blacklist_hit&is_blocked=true')
    expect(ev.status).toBe(200)
    expect(ev.body.data.events.length).toBeGreaterThanOrEqual(2)
    expect(ev.body.data.events[0]).toMatchObject({
      type: 'blacklist_hit',
      ip: '127.0.0.1',
      blocked: true,
    })
    expect(ev.body.data.pagination).toMatchObject({ page: 1, total: ev.body.data.events.length })

    const del = await admin.del(`/api/security/blacklist/${b.body.data.id}`)
    expect(del.body).toEqual({ success: true, data: { deleted: true } })
    expect((await client('/validate', body)).status).toBe(200)
  })

  it('a HWID entry blocks that HWID only; deactivating it lifts the block', async () => {
    const { product, key } = await seed(srv, { max_uses: 2 })
    const bad = 'hw-' + randomBytes(4).toString('hex')
    const add = await admin.post('/api/security/blacklist', {
      type: 'hwid',
      value: bad,
      reason: 'License sharing detected',
      severity: 'critical',
    })
    expect(add.status).toBe(201)
    const r = await client('/activate', { license_key: key, product_id: product.id, hwid: bad })
    expect(r.body).toEqual(BLOCKED('hwid'))
    expect(
      (await client('/activate', { license_key: key, product_id: product.id, hwid: 'hw-ok' }))
        .status,
    ).toBe(200)

    const dup = await admin.post('/api/security/blacklist', { type: 'hwid', value: bad })
    expect(dup.status).toBe(409)

    const off = await srv.json(`/api/security/blacklist/${add.body.data.id}`, {
      method: 'PATCH',
      body: { is_active: false },
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(off.body.data.is_active).toBe(false)
    expect(
      (await client('/activate', { license_key: key, product_id: product.id, hwid: bad })).status,
    ).toBe(200)
    const list = await admin.get('/api/security/blacklist?type=hwid&is_active=false')
    expect(list.body.data.blacklist.map((e: { id: string }) => e.id)).toContain(add.body.data.id)
  })

  it('a license-key entry blocks the key on every HWID', async () => {
    const { product, key } = await seed(srv)
    await admin.post('/api/security/blacklist', { type: 'license', value: key, severity: 'high' })
    const r = await client('/validate', { license_key: key, product_id: product.id, hwid: 'any' })
    expect(r.body).toEqual(BLOCKED('license'))
  })

  it('rejects bad input with a named field, and non-admins with 403', async () => {
    const bad = await admin.post('/api/security/block-ip', { ip: 'not-an-ip' })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
    expect(bad.body.message).toContain('body.ip')
    const badType = await admin.post('/api/security/blacklist', { type: 'email', value: 'x' })
    expect(badType.status).toBe(400)
    const badPage = await admin.get('/api/security/events?page=0')
    expect(badPage.status).toBe(400)
    expect((await srv.json('/api/security/stats')).status).toBe(401)

    const user = api(srv, (await userAccount(srv, adminToken)).token)
    expect((await user.get('/api/security/blacklist')).status).toBe(403)
    expect((await user.post('/api/security/block-hwid', { hwid: 'x' })).status).toBe(403)
    // A user still sees the overview of their own (here: no) products.
    const st = await user.get('/api/security/stats')
    expect(st.status).toBe(200)
    expect(st.body.data.overview.today_events).toBe(0)
  })
})

describe('sessions and license suspension', () => {
  it('lists sessions per license, revokes one with a reason, and suspends a license', async () => {
    const { product, key, license } = await seed(srv, { max_uses: 2 })
    const a = new WireClient(srv.url, product.id, product.secret_key, false)
    await a.request('/activate', { license_key: key, hwid: 'hw-a' })
    const b = new WireClient(srv.url, product.id, product.secret_key, false)
    await b.request('/activate', { license_key: key, hwid: 'hw-b' })

    const list = await admin.get(`/api/security/sessions?license_id=${license.id}&is_active=true`)
    expect(list.body.data.sessions).toHaveLength(2)
    expect(list.body.data.sessions[0]).not.toHaveProperty('token_hash')
    const sa = list.body.data.sessions.find((s: { hwid: string }) => s.hwid === 'hw-a')

    const rv = await admin.post(`/api/security/sessions/${sa.id}/revoke`, {
      reason: 'Suspicious activity detected',
    })
    expect(rv.body.data).toMatchObject({
      is_active: false,
      revoked_reason: 'Suspicious activity detected',
    })
    await expect(a.request('/heartbeat', { license_key: key, hwid: 'hw-a' })).rejects.toThrow()
    expect(a.lastStatus).toBe(401)

    const sus = await admin.post(`/api/security/licenses/${license.id}/suspend`, {
      reason: 'License compromised',
    })
    expect(sus.body.data).toEqual({ license_id: license.id, sessions_revoked: 1 })
    const after = await admin.get(`/api/security/sessions?license_id=${license.id}&is_active=true`)
    expect(after.body.data.sessions).toHaveLength(0)
    const v = await client('/validate', { license_key: key, product_id: product.id, hwid: 'hw-b' })
    expect(v.body.error_code).toBe('LICENSE_SUSPENDED')
    expect((await admin.post(`/api/security/licenses/${license.id}/suspend`, {})).status).toBe(400)
    expect((await admin.post('/api/security/sessions/nope/revoke', {})).status).toBe(404)
  })

  it('the overview counts today, blocked, critical, blacklist and sessions', async () => {
    const st = await admin.get('/api/security/stats')
    expect(st.status).toBe(200)
    const o = st.body.data.overview
    expect(o.blocked_attempts).toBeGreaterThanOrEqual(3)
    expect(o.active_blacklist).toBeGreaterThanOrEqual(1)
    expect(o.active_sessions).toBeGreaterThanOrEqual(1)
    expect(st.body.data.events_by_type.map((e: { type: string }) => e.type)).toContain(
      'blacklist_hit',
    )
    const today = new Date().toISOString().slice(0, 10)
    expect(st.body.data.daily_trend.at(-1).date).toBe(today)
  })
})

describe('a product owner (user account) sees and controls only their own', () => {
  it('scopes events and sessions to their products; another product’s session is not found', async () => {
    const u = await userAccount(srv, adminToken)
    const user = api(srv, u.token)
    const mine = await user.post('/api/products', { name: 'Mine' })
    expect(mine.status).toBe(201)
    const lic = await user.post('/api/licenses', { product_id: mine.body.data.id, max_uses: 1 })
    const key = lic.body.data.license_key
    const c = new WireClient(srv.url, mine.body.data.id, mine.body.data.secret_key, false)
    await c.request('/activate', { license_key: key, hwid: 'hw-user' })
    const other = await seed(srv)
    const o = new WireClient(srv.url, other.product.id, other.product.secret_key, false)
    await o.request('/activate', { license_key: other.key, hwid: 'hw-other' })

    const sessions = await user.get('/api/security/sessions?is_active=true')
    expect(sessions.body.data.sessions.map((s: { hwid: string }) => s.hwid)).toEqual(['hw-user'])
    const events = await user.get('/api/security/events?event_type=license_activation')
    expect(
      events.body.data.events.every(
        (e: { product_id: string }) => e.product_id === mine.body.data.id,
      ),
    ).toBe(true)
    expect(events.body.data.events).toHaveLength(1)

    const all = await admin.get(`/api/security/sessions?license_id=${other.license.id}`)
    const foreign = all.body.data.sessions[0].id
    expect((await user.post(`/api/security/sessions/${foreign}/revoke`, {})).status).toBe(404)
    expect(
      (await user.post(`/api/security/licenses/${other.license.id}/suspend`, { reason: 'x' })).body
        .error_code,
    ).toBe('LICENSE_NOT_FOUND')
    const own = sessions.body.data.sessions[0].id
    expect(
      (await user.post(`/api/security/sessions/${own}/revoke`, { reason: 'mine' })).body.data
        .is_active,
    ).toBe(false)
  })
})
