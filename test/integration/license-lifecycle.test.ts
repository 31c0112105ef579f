import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { loginConsole, startTestServer, type ConsoleRpc, type TestServer } from '../helpers/server'
import { v0, vendor } from './sellrealm-helpers'
import { dbOf, failEventInserts } from '../helpers/db'

/**
 * One license lifecycle (issue 11 item 4): each transition, from every surface that offers it,
 * has the same effect on the license's status, sessions, machines and events. Every case
 * starts from a license with a bound machine (hw-A) and a live session, opened through
 * POST /api/client/activate, and ends with a heartbeat on that old session.
 */
let s: TestServer
let rpc: ConsoleRpc
let auth: Record<string, string>
let authSecret: string
let storeSecret: string
let product: { id: string; num: number }

const SETUP = 'lifecycle-setup-token'
const DAY = 86_400_000

beforeAll(async () => {
  s = await startTestServer({ console: { setupToken: SETUP } })
  // Refused heartbeats from 127.0.0.1 are the point here: keep brute-force detection away.
  await s.runtime.services.security.updateSettings(CONSOLE, {
    brute_force: { max_failures: 10_000 },
  })
  // Every case makes a handful of management calls from 127.0.0.1.
  await s.runtime.services.settings.update(CONSOLE, { api_rate_limit_per_minute: 100_000 })
  const v = await vendor(s, 'lifecycle-vendor@example.com')
  auth = v.auth
  authSecret = v.authSecret
  storeSecret = v.storeSecret
  const p = await s.json('/api/products', { body: { name: 'Lifecycle App' }, headers: auth })
  expect(p.status).toBe(201)
  product = { id: p.body.data.id, num: p.body.data.num }
  rpc = await loginConsole(s, {
    email: 'lifecycle-vendor@example.com',
    password: 'correct horse battery 9',
  })
})
afterAll(() => s.stop())

interface Fresh {
  id: string
  key: string
  token: string
  orderId: string | null
}

const db = () => dbOf(s.runtime.store)

/** A license with machine hw-A and a live session; from a paid order when `viaOrder`. */
async function fresh(viaOrder = false): Promise<Fresh> {
  let id: string
  let key: string
  let orderId: string | null = null
  if (viaOrder) {
    const o = await s.json('/api/orders', {
      body: { customer_email: 'buyer@example.com', product_id: product.id, status: 'paid' },
      headers: auth,
    })
    expect(o.status).toBe(201)
    orderId = o.body.data.id
    ;({ id, key } = o.body.data.keys[0])
  } else {
    const l = await s.json('/api/licenses', {
      body: { product_id: product.id, expires_at: new Date(Date.now() + 30 * DAY).toISOString() },
      headers: auth,
    })
    expect(l.status).toBe(201)
    ;({ id, license_key: key } = l.body.data)
  }
  const a = await s.json('/api/client/activate', {
    body: { license_key: key, product_id: product.id, hwid: 'hw-A' },
  })
  expect(a.status).toBe(200)
  return { id, key, token: a.body.data.session.token, orderId }
}

const heartbeat = (l: Fresh) =>
  s.json('/api/client/heartbeat', {
    body: { license_key: l.key, product_id: product.id, hwid: 'hw-A', session_token: l.token },
  })

/** What a user can observe of the license after a transition. */
async function observe(l: Fresh, sinceEvent: number) {
  const lic = await db().one<{ status: string }>`SELECT status FROM licenses WHERE id = ${l.id}`
  const sessions = await db().all<{ revoked_at: string | null }>`
    SELECT revoked_at FROM sessions WHERE license_id = ${l.id}`
  const machines = await db().all<{ hwid: string }>`
    SELECT hwid FROM machines WHERE license_id = ${l.id} ORDER BY hwid`
  const events = await db().all<{ type: string; details: string }>`
    SELECT type, details FROM events WHERE license_id = ${l.id} AND id > ${sinceEvent} ORDER BY id`
  return {
    status: lic?.status ?? 'deleted',
    sessions:
      sessions.length === 0
        ? 'gone'
        : sessions.every((x) => x.revoked_at !== null)
          ? 'ended'
          : 'live',
    machines: machines.map((m) => m.hwid),
    events: events.map((e) => ({
      type: e.type,
      sessions_revoked: (JSON.parse(e.details) as { sessions_revoked?: number }).sessions_revoked,
    })),
  }
}

const lastEventId = async () =>
  Number((await db().one<{ n: number }>`SELECT COALESCE(MAX(id), 0) AS n FROM events`)!.n)

type Act = (l: Fresh) => Promise<{ status: number; body: unknown }>

interface Expected {
  status: string
  sessions: 'live' | 'ended' | 'gone'
  machines: string[]
  events: { type: string; sessions_revoked: number }[]
  /** The answer to a heartbeat with the session opened before the transition. */
  heartbeat: { status: number; error_code?: string }
}

const lc = () => s.runtime.services.lifecycle
const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString()
const put = (l: Fresh, body: unknown) =>
  s.json(`/api/licenses/${l.id}`, { method: 'PUT', body, headers: auth })
const post = (path: string, body: unknown = {}) => s.json(path, { body, headers: auth })
const sellrealm = (type: string, l: Fresh, extra: Record<string, string> = {}) =>
  v0(s, { type, key: l.key, auth_secret: authSecret, ...extra })

const transitions: {
  name: string
  before?: (l: Fresh) => Promise<unknown>
  viaOrder?: boolean
  expected: Expected
  surfaces: Record<string, Act>
}[] = [
  {
    name: 'suspend',
    expected: {
      status: 'suspended',
      sessions: 'ended',
      machines: ['hw-A'],
      events: [{ type: 'license.suspended', sessions_revoked: 1 }],
      heartbeat: { status: 403, error_code: 'LICENSE_SUSPENDED' },
    },
    surfaces: {
      'REST PUT /api/licenses/:id': (l) => put(l, { status: 'suspended' }),
      'REST POST /api/security/licenses/:id/suspend': (l) =>
        post(`/api/security/licenses/${l.id}/suspend`, { reason: 'Chargeback' }),
      'console licenses.update (drawer)': (l) =>
        rpc('licenses.update', { id: l.id, patch: { status: 'suspended' } }),
      'console security.suspendLicense': (l) =>
        rpc('security.suspendLicense', { id: l.id, reason: 'Chargeback' }),
      'console bulk suspend': (l) => rpc('licenses.bulkUpdate', { ids: [l.id], action: 'suspend' }),
    },
  },
  {
    name: 'suspend (store refund)',
    viaOrder: true,
    expected: {
      status: 'suspended',
      sessions: 'ended',
      machines: ['hw-A'],
      events: [{ type: 'license.suspended', sessions_revoked: 1 }],
      heartbeat: { status: 403, error_code: 'LICENSE_SUSPENDED' },
    },
    surfaces: {
      'REST POST /api/orders/:id/refund': (l) => post(`/api/orders/${l.orderId}/refund`),
      'console store.orders.setStatus': (l) =>
        rpc('store.orders.setStatus', { id: l.orderId, status: 'refunded' }),
      'SellRealm v1 PATCH /api/v1/orders/:id': (l) =>
        s.json(`/api/v1/orders/${l.orderId}`, {
          method: 'PATCH',
          body: { status: 'refunded' },
          headers: { authorization: `Bearer ${storeSecret}` },
        }),
    },
  },
  {
    name: 'resume',
    before: (l) => lc().apply(l.id, { kind: 'suspend', reason: 'test' }),
    expected: {
      status: 'active',
      sessions: 'ended',
      machines: ['hw-A'],
      events: [{ type: 'license.resumed', sessions_revoked: 0 }],
      heartbeat: { status: 401, error_code: 'SESSION_EXPIRED' },
    },
    surfaces: {
      'REST PUT /api/licenses/:id': (l) => put(l, { status: 'active' }),
      'console licenses.update (drawer)': (l) =>
        rpc('licenses.update', { id: l.id, patch: { status: 'active', status_reason: null } }),
      'console bulk resume': (l) => rpc('licenses.bulkUpdate', { ids: [l.id], action: 'resume' }),
    },
  },
  {
    name: 'ban',
    expected: {
      status: 'banned',
      sessions: 'ended',
      machines: ['hw-A'],
      events: [{ type: 'license.banned', sessions_revoked: 1 }],
      heartbeat: { status: 403, error_code: 'LICENSE_BANNED' },
    },
    surfaces: {
      'REST POST /api/licenses/:id/ban': (l) =>
        post(`/api/licenses/${l.id}/ban`, { reason: 'Fraud' }),
      'SellRealm v0 ban_key': (l) => sellrealm('ban_key', l, { reason: 'Fraud' }),
      'console licenses.ban': (l) => rpc('licenses.ban', { id: l.id, reason: 'Fraud' }),
    },
  },
  {
    name: 'unban',
    before: (l) => lc().apply(l.id, { kind: 'ban', reason: 'test' }),
    expected: {
      status: 'active',
      sessions: 'ended',
      machines: ['hw-A'],
      events: [{ type: 'license.unbanned', sessions_revoked: 0 }],
      heartbeat: { status: 401, error_code: 'SESSION_EXPIRED' },
    },
    surfaces: {
      'REST POST /api/licenses/:id/unban': (l) => post(`/api/licenses/${l.id}/unban`),
      'REST PUT /api/licenses/:id': (l) => put(l, { status: 'active' }),
      'console licenses.update (drawer)': (l) =>
        rpc('licenses.update', { id: l.id, patch: { status: 'active' } }),
    },
  },
  {
    name: 'revoke',
    expected: {
      status: 'active',
      sessions: 'ended',
      machines: ['hw-A'],
      events: [{ type: 'license.sessions_revoked', sessions_revoked: 1 }],
      heartbeat: { status: 401, error_code: 'SESSION_EXPIRED' },
    },
    surfaces: {
      'REST POST /api/licenses/:id/revoke-sessions': (l) =>
        post(`/api/licenses/${l.id}/revoke-sessions`),
    },
  },
  {
    name: 'reset HWID',
    expected: {
      status: 'active',
      sessions: 'ended',
      machines: [],
      events: [{ type: 'license.hwid_reset', sessions_revoked: 1 }],
      heartbeat: { status: 401, error_code: 'SESSION_EXPIRED' },
    },
    surfaces: {
      'REST POST /api/licenses/:id/reset-hwid': (l) => post(`/api/licenses/${l.id}/reset-hwid`),
      'SellRealm v0 reset_hwid': (l) => sellrealm('reset_hwid', l),
      'console licenses.resetHwid': (l) => rpc('licenses.resetHwid', { id: l.id }),
    },
  },
  {
    name: 'restore HWID',
    expected: {
      status: 'active',
      sessions: 'ended',
      machines: ['hw-B'],
      events: [{ type: 'license.hwid_restored', sessions_revoked: 1 }],
      heartbeat: { status: 401, error_code: 'SESSION_EXPIRED' },
    },
    surfaces: {
      'SellRealm v0 restore_hwid': (l) => sellrealm('restore_hwid', l, { hwid: 'hw-B' }),
    },
  },
  {
    name: 'release machine',
    expected: {
      status: 'active',
      sessions: 'ended',
      machines: [],
      events: [{ type: 'machine.released', sessions_revoked: 1 }],
      heartbeat: { status: 401, error_code: 'SESSION_EXPIRED' },
    },
    surfaces: {
      'console licenses.releaseMachine': async (l) => {
        const machines = await rpc('licenses.machines', { id: l.id })
        return rpc('licenses.releaseMachine', { id: l.id, machine_id: machines.body.data[0].id })
      },
    },
  },
  {
    name: 'extend',
    expected: {
      status: 'active',
      sessions: 'live',
      machines: ['hw-A'],
      events: [{ type: 'license.extended', sessions_revoked: 0 }],
      heartbeat: { status: 200 },
    },
    surfaces: {
      'REST PUT /api/licenses/:id': (l) => put(l, { expires_at: inDays(60) }),
      'console licenses.update (drawer)': (l) =>
        rpc('licenses.update', { id: l.id, patch: { expires_at: inDays(60) } }),
      'console bulk extend': (l) =>
        rpc('licenses.bulkUpdate', { ids: [l.id], action: 'extend', days: 30 }),
    },
  },
  {
    name: 'delete',
    expected: {
      status: 'deleted',
      sessions: 'gone',
      machines: [],
      events: [{ type: 'license.deleted', sessions_revoked: 1 }],
      heartbeat: { status: 404, error_code: 'LICENSE_NOT_FOUND' },
    },
    surfaces: {
      'REST DELETE /api/licenses/:id': (l) =>
        s.json(`/api/licenses/${l.id}`, { method: 'DELETE', headers: auth }),
      'console licenses.delete': (l) => rpc('licenses.delete', { id: l.id }),
      'console bulk delete': (l) => rpc('licenses.bulkUpdate', { ids: [l.id], action: 'delete' }),
    },
  },
]

describe('every transition has the same effect from every surface', () => {
  for (const t of transitions) {
    for (const [surface, act] of Object.entries(t.surfaces)) {
      it(`${t.name} via ${surface}`, async () => {
        const l = await fresh(t.viaOrder)
        await t.before?.(l)
        const mark = await lastEventId()
        const r = await act(l)
        expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200)
        // A bulk action reports per key: this one must have gone through.
        if (surface.includes('bulk')) expect(r.body).toMatchObject({ data: { failed: [] } })
        expect(await observe(l, mark)).toEqual({
          status: t.expected.status,
          sessions: t.expected.sessions,
          machines: t.expected.machines,
          events: t.expected.events,
        })
        const hb = await heartbeat(l)
        expect(hb.status).toBe(t.expected.heartbeat.status)
        if (t.expected.heartbeat.error_code)
          expect(hb.body.error_code).toBe(t.expected.heartbeat.error_code)
      })
    }
  }
})

describe('a transition is one transaction', () => {
  /** Makes every insert of an event of `type` fail, as a full disk would mid-transition. */
  function failEvents(type: string): Promise<() => Promise<void>> {
    return failEventInserts(s.runtime.store, `fail_${type}`, { type }, 'event log unavailable')
  }

  const cases: { name: string; event: string; act: Act }[] = [
    {
      name: 'SellRealm restore_hwid',
      event: 'license.hwid_restored',
      act: (l) => sellrealm('restore_hwid', l, { hwid: 'hw-B' }),
    },
    {
      name: 'SellRealm reset_hwid',
      event: 'license.hwid_reset',
      act: (l) => sellrealm('reset_hwid', l),
    },
    {
      name: 'console licenses.ban',
      event: 'license.banned',
      act: (l) => rpc('licenses.ban', { id: l.id, reason: 'Fraud' }),
    },
    {
      name: 'console bulk suspend',
      event: 'license.suspended',
      act: (l) => rpc('licenses.bulkUpdate', { ids: [l.id], action: 'suspend' }),
    },
  ]
  for (const c of cases) {
    it(`${c.name}: when its event cannot be written, nothing of it is written`, async () => {
      const l = await fresh()
      const mark = await lastEventId()
      const restore = await failEvents(c.event)
      try {
        await c.act(l)
      } finally {
        await restore()
      }
      expect(await observe(l, mark)).toEqual({
        status: 'active',
        sessions: 'live',
        machines: ['hw-A'],
        events: [],
      })
      expect((await heartbeat(l)).status).toBe(200)
    })
  }

  it('a refund suspends its keys and returns stock with the order, or not at all', async () => {
    const l = await fresh(true)
    const mark = await lastEventId()
    const restore = await failEvents('license.suspended')
    let r
    try {
      r = await post(`/api/orders/${l.orderId}/refund`)
    } finally {
      await restore()
    }
    expect(r.status).toBe(500)
    const order = await s.json(`/api/orders/${l.orderId}`, { headers: auth })
    expect(order.body.data.status).toBe('paid')
    expect(await observe(l, mark)).toMatchObject({ status: 'active', sessions: 'live', events: [] })
  })
})

describe('refusals the lifecycle decides once', () => {
  it('a banned key is neither suspended nor resumed (unban it), from any surface', async () => {
    const l = await fresh()
    await lc().apply(l.id, { kind: 'ban', reason: 'test' })
    const bulk = await rpc('licenses.bulkUpdate', { ids: [l.id], action: 'resume' })
    expect(bulk.body.data).toEqual({
      updated: 0,
      failed: [{ id: l.id, message: 'A banned license is not resumed; unban it' }],
    })
    const viaRest = await post(`/api/security/licenses/${l.id}/suspend`, { reason: 'x' })
    expect(viaRest.status).toBe(403)
    expect(viaRest.body).toMatchObject({ error_code: 'LICENSE_BANNED' })
    const again = await rpc('licenses.ban', { id: l.id, reason: 'again' })
    expect(again.body).toMatchObject({ ok: false, error: { code: 'LICENSE_BANNED' } })
    expect((await observe(l, 0)).status).toBe('banned')
  })

  it("another account's key is not found by the new REST routes, keeps its session", async () => {
    const l = await fresh()
    const other = await vendor(s, 'lifecycle-other@example.com')
    const as = (path: string, body: unknown) => s.json(path, { body, headers: other.auth })
    for (const [path, body] of [
      [`/api/licenses/${l.id}/ban`, { reason: 'not yours' }],
      [`/api/licenses/${l.id}/unban`, {}],
      [`/api/licenses/${l.id}/revoke-sessions`, {}],
    ] as const) {
      const r = await as(path, body)
      expect(r.status).toBe(404)
      expect(r.body).toMatchObject({ success: false, error_code: 'LICENSE_NOT_FOUND' })
    }
    expect(await observe(l, 0)).toMatchObject({
      status: 'active',
      sessions: 'live',
      machines: ['hw-A'],
    })
  })
})
