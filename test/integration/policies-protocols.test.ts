import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { startTestServer, type TestServer } from '../helpers/server'
import { vendor, v0 } from './sellrealm-helpers'

/**
 * Issue 16.1: the same policy rules answer on LicenseCM (/api/client/*), SellRealm (/api/v0/) and
 * DevPayr (/devpayr/api/v1/) because all go through the engine. One table of cases, run over both protocols; each answer
 * is read in its protocol's own shape and reduced to what the rule decided.
 */
let srv: TestServer
let now = new Date('2031-06-01T12:00:00.000Z')
let acct: Awaited<ReturnType<typeof vendor>>
beforeAll(async () => {
  srv = await startTestServer({ clock: () => now })
  acct = await vendor(srv, `pp-${randomBytes(3).toString('hex')}@example.com`)
  await srv.runtime.services.settings.update(CONSOLE, { api_rate_limit_per_minute: 100_000 })
})
afterAll(() => srv?.stop())

interface Lic {
  key: string
  productId: string
  productNum: number
}

/** What a protocol's activation answered, reduced to the decision. */
interface Verdict {
  ok: boolean
  /** The refusal in the protocol's own words. */
  refusal?: string
  graceUntil?: string
  warning?: string
}

interface Protocol {
  name: string
  /** Activates (LicenseCM activate, SellRealm login) and keeps the session for `beat`. */
  activate(l: Lic, hwid: string): Promise<Verdict>
  /** The protocol's session check (LicenseCM heartbeat, SellRealm check_session). */
  beat(l: Lic, hwid: string): Promise<Verdict>
  /** The refusal a full floating license gets, in this protocol's words. */
  full: string
  expired: string
  hwidMismatch: string
}

const sessions = new Map<string, { token: string; nonce?: string }>()

const licensecm: Protocol = {
  name: 'LicenseCM',
  async activate(l, hwid) {
    const r = await srv.json('/api/client/activate', {
      body: { license_key: l.key, product_id: l.productId, hwid },
    })
    if (r.body.success) sessions.set(`${l.key}/${hwid}`, { token: r.body.data.session.token })
    return r.body.success
      ? { ok: true, graceUntil: r.body.data.grace_until, warning: r.body.data.warning }
      : { ok: false, refusal: `${r.body.error_code}: ${r.body.message}` }
  },
  async beat(l, hwid) {
    const s = sessions.get(`${l.key}/${hwid}`)!
    const r = await srv.json('/api/client/heartbeat', {
      body: { license_key: l.key, product_id: l.productId, hwid, session_token: s.token },
    })
    if (r.body.success) s.token = r.body.data.new_token
    return r.body.success
      ? { ok: true, graceUntil: r.body.data.grace_until, warning: r.body.data.warning }
      : { ok: false, refusal: `${r.body.error_code}: ${r.body.message}` }
  },
  full: 'MAX_USES_EXCEEDED: All floating seats are in use',
  expired: 'LICENSE_EXPIRED: License has expired',
  hwidMismatch: 'HWID_MISMATCH: Hardware ID does not match this license',
}

/** SellRealm dates: `YYYY-MM-DD HH:MM:SS` (UTC) back to ISO, to compare with the other door. */
const fromSr = (t: string | undefined) => t && new Date(t.replace(' ', 'T') + 'Z').toISOString()

const sellrealm: Protocol = {
  name: 'SellRealm',
  async activate(l, hwid) {
    const r = await v0(srv, {
      type: 'login',
      key: l.key,
      auth_secret: acct.authSecret,
      hwid,
      product_id: l.productNum,
    })
    if (r.body.status === 'success')
      sessions.set(`${l.key}/${hwid}`, { token: r.body.session_id, nonce: r.body.nonce })
    return r.body.status === 'success'
      ? { ok: true, graceUntil: fromSr(r.body.grace_until), warning: r.body.warning }
      : { ok: false, refusal: r.body.message }
  },
  async beat(l, hwid) {
    const s = sessions.get(`${l.key}/${hwid}`)!
    const r = await v0(srv, {
      type: 'check_session',
      session_id: s.token,
      nonce: s.nonce,
      auth_secret: acct.authSecret,
      product_id: l.productNum,
    })
    if (r.body.status === 'success') s.nonce = r.body.nonce
    return r.body.status === 'success'
      ? { ok: true, graceUntil: fromSr(r.body.grace_until), warning: r.body.warning }
      : { ok: false, refusal: r.body.message }
  },
  full: 'Key has reached its maximum number of devices',
  expired: 'Key has expired',
  hwidMismatch: 'HWID does not match',
}

/** DevPayr: the runtime check (has-paid) is activation for a new identifier and heartbeat after. */
async function devpayrCheck(l: Lic, hwid: string): Promise<Verdict> {
  const r = await srv.json('/devpayr/api/v1/project/has-paid', {
    body: {},
    headers: { 'x-license-key': l.key, 'x-devpayr-domain': `${hwid}.example.com` },
  })
  return r.body.status === 'success'
    ? { ok: true, graceUntil: r.body.data.grace_until, warning: r.body.data.warning }
    : { ok: false, refusal: r.body.message }
}

const devpayr: Protocol = {
  name: 'DevPayr',
  activate: devpayrCheck,
  beat: devpayrCheck,
  full: 'License has reached its limit of runtime identifiers (domains or devices)',
  expired: 'License has expired',
  hwidMismatch: 'License has reached its limit of runtime identifiers (domains or devices)',
}

/** A product of the vendor with `policy` and one license (created through the services). */
async function license(policy: Record<string, unknown>, over: Record<string, unknown> = {}) {
  const s = srv.runtime.services
  const p = await s.products.create(acct.actor, {
    name: 'Door ' + randomBytes(3).toString('hex'),
    policy: { validate_per_minute: 10_000, ...policy },
  })
  const l = await s.licenses.create(acct.actor, {
    product_id: p.id,
    max_uses: 1,
    hwid_locked: false,
    expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
    ...over,
  })
  return { key: l.license_key, productId: p.id, productNum: p.num }
}

const FLOATING = {
  mode: 'floating',
  seats: 2,
  heartbeat_seconds: 60,
  dead_machine: 'free_seat',
  resurrection_seconds: 600,
}

describe.each([licensecm, sellrealm, devpayr])('policies on $name', (door) => {
  it('floating: two seats on any machines, the third refused', async () => {
    const l = await license(FLOATING)
    expect(await door.activate(l, 'a')).toEqual({ ok: true })
    expect(await door.activate(l, 'b')).toEqual({ ok: true })
    expect(await door.activate(l, 'c')).toEqual({ ok: false, refusal: door.full })
  })

  it('floating: the session check keeps the seat; a machine culled comes back within the window', async () => {
    const l = await license(FLOATING)
    await door.activate(l, 'a')
    now = new Date(now.getTime() + 100_000)
    expect(await door.beat(l, 'a')).toEqual({ ok: true }) // 100 s: alive, deadline pushed out
    now = new Date(now.getTime() + 100_000)
    await srv.runtime.services.seats.runOnce()
    expect(await door.activate(l, 'b')).toEqual({ ok: true })
    expect(await door.activate(l, 'c')).toEqual({ ok: false, refusal: door.full }) // 'a' held
    now = new Date(now.getTime() + 130_000)
    await srv.runtime.services.seats.runOnce() // 'a' (230 s silent) and 'b' (130 s) freed
    expect(await door.activate(l, 'c')).toEqual({ ok: true })
    expect(await door.beat(l, 'a')).toEqual({ ok: true }) // resurrected: one seat was free
    expect(await door.beat(l, 'b')).toEqual({ ok: false, refusal: door.full })
  })

  it('grace: an expired key still works with grace_until and the warning; after it, refused', async () => {
    const expires = new Date(now.getTime() - 60_000).toISOString()
    const l = await license({ grace_seconds: 7200 }, { expires_at: expires })
    const until = new Date(Date.parse(expires) + 7_200_000).toISOString()
    const graced = { ok: true, graceUntil: until, warning: 'LICENSE_IN_GRACE' }
    expect(await door.activate(l, 'a')).toEqual(graced)
    expect(await door.beat(l, 'a')).toEqual(graced)
    const over = await license(
      { grace_seconds: 7200 },
      { expires_at: new Date(now.getTime() - 7_201_000).toISOString() },
    )
    expect(await door.activate(over, 'a')).toEqual({ ok: false, refusal: door.expired })
  })

  it('node-locked (the default): the second machine of a one-machine key is refused', async () => {
    const l = await license({}, { hwid_locked: true })
    expect(await door.activate(l, 'a')).toEqual({ ok: true })
    expect(await door.activate(l, 'b')).toEqual({ ok: false, refusal: door.hwidMismatch })
  })
})
