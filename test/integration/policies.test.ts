import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { dbOf } from '../helpers/db'
import { api, firstAdmin } from '../helpers/mgmt'
import { createKey } from '../helpers/apikeys'
import { CONSOLE } from '../../src/main/services/context'

/**
 * Issue 16.1: license policies over real HTTP. Every transition a vendor would notice: a
 * floating seat taken, refused when full, freed by culling (and by nothing else), resurrected
 * within the window and not after it, overage up to the allowance, grace with grace_until and
 * the warning, refused after grace; node-locked licenses as before; racing activations.
 * The clock is injected: the test moves time, and runs the culling task's body (runOnce).
 */
let srv: TestServer
let now = new Date('2031-03-01T10:00:00.000Z')
let admin: ReturnType<typeof api>
beforeAll(async () => {
  srv = await startTestServer({ clock: () => now })
  // An API key, not a JWT: the test moves the clock by days, past any token's lifetime.
  const key = await createKey(srv, (await firstAdmin(srv)).token, {
    name: 'policies',
    scopes: ['licenses:read', 'licenses:write', 'products:read', 'products:write'],
  })

  const headers = { 'x-api-key': key.key }
  admin = {
    get: (path) => srv.json(path, { headers }),
    post: (path, body = {}) => srv.json(path, { method: 'POST', body, headers }),
    put: (path, body = {}) => srv.json(path, { method: 'PUT', body, headers }),
    del: (path) => srv.json(path, { method: 'DELETE', headers }),
  }
  // This file sends a few hundred requests a minute from one address.
  await srv.runtime.services.settings.update(CONSOLE, { api_rate_limit_per_minute: 100_000 })
})
afterAll(() => srv?.stop())

const advance = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000)
}
/**
 * The culling task's body, as the periodic task runs it (every license); what it did to the
 * license under test is read from that license (other tests' licenses share the clock).
 */
const cull = () => srv.runtime.services.seats.runOnce()

/** A product with this policy (management API) and one license of it; returns ids and key. */
async function floating(policy: Record<string, unknown>, license: Record<string, unknown> = {}) {
  const p = await admin.post('/api/products', {
    name: 'Seats ' + randomBytes(3).toString('hex'),
    policy: { validate_per_minute: 10_000, ...policy },
  })
  expect(p.status).toBe(201)
  const l = await admin.post('/api/licenses', {
    product_id: p.body.data.id,
    type: 'subscription',
    max_uses: 2,
    hwid_locked: false,
    expires_at: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
    ...license,
  })
  expect(l.status).toBe(201)
  return {
    productId: p.body.data.id as string,
    id: l.body.data.id as string,
    key: l.body.data.license_key as string,
  }
}

type Lic = Awaited<ReturnType<typeof floating>>
const client = (path: string, body: Record<string, unknown>) =>
  srv.json(`/api/client/${path}`, { body })
const activate = (l: Lic, hwid: string) =>
  client('activate', { license_key: l.key, product_id: l.productId, hwid })
const validate = (l: Lic, hwid: string) =>
  client('validate', { license_key: l.key, product_id: l.productId, hwid })
const heartbeat = (l: Lic, hwid: string, token: string) =>
  client('heartbeat', { license_key: l.key, product_id: l.productId, hwid, session_token: token })
const seatsOf = async (l: Lic) => (await admin.get(`/api/licenses/${l.id}`)).body.data.seats
const eventTypes = async (l: Lic) =>
  (
    await dbOf(srv.runtime.store).all<{ type: string }>`
      SELECT type FROM events WHERE license_id = ${l.id} ORDER BY id`
  ).map((e) => e.type)

const FULL = {
  success: false,
  error_code: 'MAX_USES_EXCEEDED',
  message: 'All floating seats are in use',
}

/** Floating, two seats, heartbeat every 60 s (dead after 120 s), 10 minutes to come back. */
const TWO_SEATS = {
  mode: 'floating',
  seats: 2,
  heartbeat_seconds: 60,
  dead_machine: 'free_seat',
  resurrection_seconds: 600,
}

describe('floating seats', () => {
  it('a seat is taken by an activation, on any machine, and shows as in use', async () => {
    const l = await floating(TWO_SEATS, { max_uses: 1 })
    expect(await seatsOf(l)).toEqual({ mode: 'floating', in_use: 0, seats: 2, allowance: 2 })
    const a = await activate(l, 'desk-1')
    expect(a.status).toBe(200)
    expect(a.body.data.activated).toBe(true)
    expect((await activate(l, 'laptop-2')).status).toBe(200)
    // The seats count, not max_uses (1): any machine, up to two at once.
    expect(await seatsOf(l)).toEqual({ mode: 'floating', in_use: 2, seats: 2, allowance: 2 })
    expect(await eventTypes(l)).toEqual(
      expect.arrayContaining(['license_activation', 'seat.taken']),
    )
    // A machine that holds a seat activates again without taking another.
    expect((await activate(l, 'desk-1')).status).toBe(200)
    expect((await seatsOf(l)).in_use).toBe(2)
  })

  it('refuses a machine when every seat is held; validate says the same without taking one', async () => {
    const l = await floating(TWO_SEATS)
    await activate(l, 'a')
    await activate(l, 'b')
    const c = await activate(l, 'c')
    expect(c.status).toBe(403)
    expect(c.body).toMatchObject(FULL)
    expect((await validate(l, 'c')).body).toMatchObject(FULL)
    // A machine holding a seat still validates.
    expect((await validate(l, 'a')).body.data.valid).toBe(true)
    expect((await seatsOf(l)).in_use).toBe(2)
  })

  it('frees the seat of a machine whose heartbeats stopped only when culling runs, never on a request', async () => {
    const l = await floating(TWO_SEATS)
    const a = await activate(l, 'a')
    await activate(l, 'b')
    advance(60)
    // 'b' keeps beating, 'a' is silent.
    const hb = await heartbeat(l, 'b', (await activate(l, 'b')).body.data.session.token)
    expect(hb.status).toBe(200)
    advance(90) // 'a' silent for 150 s > the 120 s window; 'b' heard 90 s ago
    expect((await activate(l, 'c')).body).toMatchObject(FULL) // dead, but no request frees it
    await cull()
    expect(await seatsOf(l)).toMatchObject({ in_use: 1 })
    expect((await activate(l, 'c')).status).toBe(200)
    expect(await eventTypes(l)).toContain('seat.freed')
    // 'a' comes back within its resurrection window, but its seat went to 'c' and none is free.
    const back = await heartbeat(l, 'a', a.body.data.session.token)
    expect(back.body).toMatchObject(FULL)
  })

  it('a culled machine that comes back within the resurrection window keeps its session and gets its seat back', async () => {
    const l = await floating(TWO_SEATS)
    const a = await activate(l, 'a')
    advance(121)
    await cull()
    expect((await seatsOf(l)).in_use).toBe(0)
    advance(300) // 421 s after its last beat: dead at 120 s, window open until 720 s
    const hb = await heartbeat(l, 'a', a.body.data.session.token)
    expect(hb.status).toBe(200)
    expect(hb.body.data.valid).toBe(true)
    expect((await seatsOf(l)).in_use).toBe(1)
    expect(await eventTypes(l)).toEqual(expect.arrayContaining(['seat.freed', 'seat.resurrected']))
  })

  it('a culled machine that comes back after the resurrection window is refused and must activate again', async () => {
    const l = await floating(TWO_SEATS)
    const a = await activate(l, 'a')
    advance(121)
    await cull()
    advance(600) // past 720 s after its last beat
    const late = await heartbeat(l, 'a', a.body.data.session.token)
    expect(late.status).toBe(401)
    expect(late.body).toMatchObject({ success: false, error_code: 'SESSION_EXPIRED' })
    await cull()
    expect((await heartbeat(l, 'a', a.body.data.session.token)).body.error_code).toBe(
      'SESSION_EXPIRED',
    )
    // dead_machine=free_seat: the machine stays listed; a new activation takes a seat again.
    const machines = await dbOf(srv.runtime.store).all<{ seat: string | null }>`
      SELECT seat FROM machines WHERE license_id = ${l.id}`
    expect(machines).toEqual([{ seat: null }])
    expect((await activate(l, 'a')).status).toBe(200)
    expect((await seatsOf(l)).in_use).toBe(1)
  })

  it('dead_machine=deactivate unbinds the machine once its resurrection window closed', async () => {
    const l = await floating({ ...TWO_SEATS, dead_machine: 'deactivate', resurrection_seconds: 0 })
    await activate(l, 'a')
    advance(121)
    await cull()
    const n = await dbOf(srv.runtime.store).all<{ n: number }>`
      SELECT count(*) AS n FROM machines WHERE license_id = ${l.id}`
    expect(Number(n[0].n)).toBe(0)
    expect(await eventTypes(l)).toContain('machine.culled')
  })

  it('dead_machine=keep: culling leaves a silent machine its seat', async () => {
    const l = await floating({ ...TWO_SEATS, dead_machine: 'keep' })
    await activate(l, 'a')
    advance(10_000)
    await cull()
    expect((await seatsOf(l)).in_use).toBe(1)
  })

  it('deactivating a machine frees its seat at once', async () => {
    const l = await floating(TWO_SEATS)
    await activate(l, 'a')
    await activate(l, 'b')
    const d = await client('deactivate', { license_key: l.key, product_id: l.productId, hwid: 'a' })
    expect(d.status).toBe(200)
    expect((await activate(l, 'c')).status).toBe(200)
    expect(await eventTypes(l)).toContain('seat.freed')
  })

  it('culls one license on demand through the management API (the others wait for the task)', async () => {
    const l = await floating(TWO_SEATS)
    const other = await floating(TWO_SEATS)
    await activate(l, 'a')
    await activate(other, 'a')
    advance(121)
    const r = await admin.post(`/api/licenses/${l.id}/seats/cull`)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      success: true,
      data: {
        id: l.id,
        freed: 1,
        ended: 0,
        deactivated: 0,
        seats: { mode: 'floating', in_use: 0, seats: 2, allowance: 2 },
      },
    })
    expect((await seatsOf(other)).in_use).toBe(1)
    expect((await admin.post(`/api/licenses/nope/seats/cull`)).status).toBe(404)
    expect(
      (await srv.json(`/api/licenses/${l.id}/seats/cull`, { method: 'POST', body: {} })).status,
    ).toBe(401)
  })

  it('overage: 1.25x of 4 seats allows a fifth machine (recorded as overage) and refuses a sixth', async () => {
    const l = await floating({ ...TWO_SEATS, seats: 4, overage: 1.25 })
    for (const m of ['a', 'b', 'c', 'd']) expect((await activate(l, m)).status).toBe(200)
    expect(await eventTypes(l)).not.toContain('seat.overage')
    expect((await activate(l, 'e')).status).toBe(200)
    expect(await eventTypes(l)).toContain('seat.overage')
    expect(await seatsOf(l)).toEqual({ mode: 'floating', in_use: 5, seats: 4, allowance: 5 })
    expect((await activate(l, 'f')).body).toMatchObject(FULL)
  })

  it('a license override wins over its product: one seat instead of the product’s two', async () => {
    const l = await floating(TWO_SEATS)
    const put = await admin.put(`/api/licenses/${l.id}`, { policy: { seats: 1 } })
    expect(put.status).toBe(200)
    expect(put.body.data.policy_override).toEqual({ seats: 1 })
    expect(put.body.data.policy).toMatchObject({ mode: 'floating', seats: 1 })
    await activate(l, 'a')
    expect((await activate(l, 'b')).body).toMatchObject(FULL)
    // Cleared: the product's policy again.
    await admin.put(`/api/licenses/${l.id}`, { policy: null })
    expect((await activate(l, 'b')).status).toBe(200)
  })

  it('refuses a bad policy with the field named', async () => {
    const l = await floating(TWO_SEATS)
    const r = await admin.put(`/api/licenses/${l.id}`, { policy: { overage: 0.5 } })
    expect(r.status).toBe(400)
    expect(r.body.error_code).toBe('VALIDATION_ERROR')
    expect(r.body.message).toContain('overage')
    const p = await admin.put(`/api/products/${l.productId}`, { policy: { mode: 'metered' } })
    expect(p.status).toBe(400)
    expect(p.body.message).toContain('mode')
  })

  it('50 concurrent activations of a floating license with 3 seats take exactly 3', async () => {
    const l = await floating({ ...TWO_SEATS, seats: 3 })
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => activate(l, `rush-${i}`)),
    )
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3)
    const refused = answers.filter((a) => a.status !== 200)
    expect(new Set(refused.map((a) => a.body.error_code))).toEqual(new Set(['MAX_USES_EXCEEDED']))
    expect((await seatsOf(l)).in_use).toBe(3)
  })

  it('with overage 2x the same race takes exactly 6', async () => {
    const l = await floating({ ...TWO_SEATS, seats: 3, overage: 2 })
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => activate(l, `rush-${i}`)),
    )
    expect(answers.filter((a) => a.status === 200)).toHaveLength(6)
    expect((await seatsOf(l)).in_use).toBe(6)
  })
})

describe('grace period', () => {
  const GRACE = { grace_seconds: 3 * 86_400 }

  it('an expired license answers valid within its grace period, with grace_until and the warning', async () => {
    const expires = new Date(now.getTime() - 3600_000).toISOString()
    const l = await floating(GRACE, { expires_at: expires, max_uses: 3 })
    const until = new Date(Date.parse(expires) + 3 * 86_400_000).toISOString()
    const a = await activate(l, 'a')
    expect(a.status).toBe(200)
    expect(a.body.data).toMatchObject({
      activated: true,
      grace_until: until,
      warning: 'LICENSE_IN_GRACE',
    })
    const v = await validate(l, 'a')
    expect(v.body.data).toMatchObject({
      valid: true,
      grace_until: until,
      warning: 'LICENSE_IN_GRACE',
    })
    // The signed payload carries it too: a client that verifies it sees the same.
    expect(JSON.parse(v.body.data.data)).toMatchObject({
      grace_until: until,
      warning: 'LICENSE_IN_GRACE',
    })
    expect(await eventTypes(l)).toContain('license.grace')
  })

  it('refuses the license once the grace period is over', async () => {
    const l = await floating(GRACE, {
      expires_at: new Date(now.getTime() - 3 * 86_400_000 - 1000).toISOString(),
    })
    const v = await validate(l, 'a')
    expect(v.status).toBe(403)
    expect(v.body).toMatchObject({ success: false, error_code: 'LICENSE_EXPIRED' })
  })

  it('a license expired by hand gets no grace', async () => {
    const l = await floating(GRACE, {
      expires_at: new Date(now.getTime() - 3600_000).toISOString(),
    })
    await admin.put(`/api/licenses/${l.id}`, { status: 'expired' })
    expect((await validate(l, 'a')).body.error_code).toBe('LICENSE_EXPIRED')
  })

  it('without grace an expired license is refused as before, and a valid one carries no warning', async () => {
    const l = await floating({}, { expires_at: new Date(now.getTime() - 1000).toISOString() })
    expect((await validate(l, 'a')).body.error_code).toBe('LICENSE_EXPIRED')
    const fresh = await floating({}, { max_uses: 1 })
    const a = await activate(fresh, 'a')
    expect(a.body.data.grace_until).toBeUndefined()
    expect(a.body.data.warning).toBeUndefined()
  })
})

describe('node-locked (the default policy) is unchanged', () => {
  it('binds up to max_uses; a silent machine keeps its binding through culling', async () => {
    const l = await floating({}, { max_uses: 1, hwid_locked: true })
    expect(await seatsOf(l)).toBeNull()
    expect((await activate(l, 'a')).status).toBe(200)
    const b = await activate(l, 'b')
    expect(b.status).toBe(403)
    expect(b.body.error_code).toBe('HWID_MISMATCH')
    advance(86_400)
    await cull()
    expect((await activate(l, 'b')).body.error_code).toBe('HWID_MISMATCH')
    expect((await activate(l, 'a')).status).toBe(200)
  })

  it('node-locked with dead_machine=deactivate: culling unbinds a machine silent past both windows, freeing its slot', async () => {
    const l = await floating(
      { dead_machine: 'deactivate', heartbeat_seconds: 60, resurrection_seconds: 300 },
      { max_uses: 1, hwid_locked: true },
    )
    await activate(l, 'a')
    advance(200) // dead (120 s), still within its resurrection window (until 420 s)
    await cull()
    expect((await activate(l, 'b')).body.error_code).toBe('HWID_MISMATCH')
    advance(300)
    await cull()
    expect((await activate(l, 'b')).status).toBe(200)
  })

  it('without hwid_locked a new machine still reclaims a silent one’s slot at activation', async () => {
    const l = await floating({}, { max_uses: 1, hwid_locked: false })
    await activate(l, 'a')
    expect((await activate(l, 'b')).body.error_code).toBe('MAX_USES_EXCEEDED')
    advance(601) // two 300 s heartbeat intervals
    expect((await activate(l, 'b')).status).toBe(200)
  })
})
