import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { startTestServer, type TestServer } from '../helpers/server'
import { WireClient, seed } from '../helpers/licensecm-client'
import { dbOf } from '../helpers/db'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
  // These tests fail on purpose many times from 127.0.0.1: keep brute-force detection out of the way.
  await srv.runtime.services.security.updateSettings(CONSOLE, {
    brute_force: { max_failures: 10_000 },
  })
})
afterAll(async () => {
  await srv.stop()
})

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  srv.json(`/api/client${path}`, { body, headers: { 'user-agent': 'kw-test/1.0', ...headers } })
const db = () => dbOf(srv.runtime.store)
const eventsOf = (licenseId: string) =>
  db().all<{
    type: string
    ip: string
    user_agent: string
    details: string
    blocked: number
  }>`SELECT * FROM events WHERE license_id = ${licenseId} ORDER BY id`

function plain(
  product: { id: string },
  key: string,
  hwid: string | undefined = 'hw-1',
  extra = {},
) {
  return { license_key: key, product_id: product.id, hwid, ...extra }
}

describe('validation outcomes, each in the fixed order', () => {
  it('valid: signed answer, event with IP, user agent and client_data', async () => {
    const { product, license, key } = await seed(srv)
    const cd = {
      platform: 'win32',
      os_version: '10.0.19041',
      vm_indicators: [],
      debug_indicators: [],
    }
    const r = await post('/validate', plain(product, key, 'hw-1', { client_data: cd }))
    expect(r.status).toBe(200)
    expect(r.body.success).toBe(true)
    expect(r.body.data).toMatchObject({
      valid: true,
      license: { type: 'subscription', metadata: { plan: 'pro' } },
    })
    const c = new WireClient(srv.url, product.id, product.secret_key)
    await c.fetchPublicKey()
    expect(c.verifySignature(r.body.data.data, r.body.data.signature)).toBe(true)
    const [ev] = (await eventsOf(license.id)).filter((e) => e.type === 'license_validation')
    expect(ev).toMatchObject({ ip: '127.0.0.1', user_agent: 'kw-test/1.0', blocked: 0 })
    expect(JSON.parse(ev.details)).toMatchObject({ success: true, client_data: cd })
  })

  it('LICENSE_NOT_FOUND (404)', async () => {
    const { product } = await seed(srv)
    const r = await post('/validate', plain(product, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'))
    expect(r.status).toBe(404)
    expect(r.body).toEqual({
      success: false,
      message: 'Invalid license key',
      error_code: 'LICENSE_NOT_FOUND',
    })
  })

  it('PRODUCT_NOT_FOUND for an inactive product (before banned)', async () => {
    const { product, license, key } = await seed(srv)
    await db().run`UPDATE licenses SET status = 'banned' WHERE id = ${license.id}`
    await srv.runtime.services.products.update(CONSOLE, product.id, { is_active: false })
    const r = await post('/validate', plain(product, key))
    expect(r.status).toBe(404)
    expect(r.body.error_code).toBe('PRODUCT_NOT_FOUND')
  })

  it('PRODUCT_NOT_FOUND for another product (before suspended)', async () => {
    const { license, key } = await seed(srv)
    const other = await seed(srv)
    await srv.runtime.services.licenses.update(CONSOLE, license.id, { status: 'suspended' })
    const r = await post('/validate', plain(other.product, key))
    expect(r.status).toBe(404)
    expect(r.body.error_code).toBe('PRODUCT_NOT_FOUND')
  })

  it('PRODUCT_NOT_FOUND for an integer product_id says product_id is the product’s UUID', async () => {
    const { key } = await seed(srv)
    const r = await post('/validate', { license_key: key, product_id: '1', hwid: 'hw-1' })
    expect(r.status).toBe(404)
    expect(r.body.error_code).toBe('PRODUCT_NOT_FOUND')
    expect(r.body.message).toMatch(/product_id is the product's id \(a UUID.*not a number \(got 1\)/)
    // A UUID of another product keeps the plain message.
    const other = await seed(srv)
    const plainMiss = await post('/validate', plain(other.product, key))
    expect(plainMiss.body.message).not.toContain('UUID')
  })

  it('BLACKLISTED (before suspended), with security_blocked for the SDK callback', async () => {
    const { product, license, key } = await seed(srv)
    await srv.runtime.services.licenses.update(CONSOLE, license.id, { status: 'suspended' })
    await srv.runtime.services.security.addBlacklist(CONSOLE, {
      type: 'hwid',
      value: 'hw-banned',
      reason: 'test',
      severity: 'high',
    })
    const r = await post('/validate', plain(product, key, 'hw-banned'))
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({
      success: false,
      error_code: 'BLACKLISTED',
      security_blocked: true,
    })
    expect(r.body.security_details).toMatchObject({ type: 'hwid' })
  })

  it('LICENSE_BANNED "Key has been banned" (before expired)', async () => {
    const { product, license, key } = await seed(srv, {
      expires_at: new Date(Date.now() - 1000).toISOString(),
    })
    await db().run`UPDATE licenses SET status = 'banned' WHERE id = ${license.id}`
    for (const path of ['/validate', '/activate', '/deactivate']) {
      const r = await post(path, plain(product, key))
      expect(r.status).toBe(403)
      expect(r.body).toMatchObject({ error_code: 'LICENSE_BANNED', message: 'Key has been banned' })
    }
  })

  it('LICENSE_SUSPENDED (before expired)', async () => {
    const { product, license, key } = await seed(srv, {
      expires_at: new Date(Date.now() - 1000).toISOString(),
    })
    await srv.runtime.services.licenses.update(CONSOLE, license.id, { status: 'suspended' })
    const r = await post('/validate', plain(product, key))
    expect(r.status).toBe(403)
    expect(r.body.error_code).toBe('LICENSE_SUSPENDED')
  })

  it('LICENSE_EXPIRED by date alone, no sweep (before HWID mismatch)', async () => {
    const { product, license, key } = await seed(srv)
    expect((await post('/activate', plain(product, key, 'hw-1'))).status).toBe(200)
    await db().run`UPDATE licenses SET expires_at = ${new Date(Date.now() - 1000).toISOString()}
      WHERE id = ${license.id}`
    const r = await post('/validate', plain(product, key, 'hw-other'))
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({ error_code: 'LICENSE_EXPIRED', message: 'License has expired' })
  })

  it('HWID_MISMATCH on a locked license, recorded as hwid_mismatch', async () => {
    const { product, license, key } = await seed(srv)
    expect((await post('/activate', plain(product, key, 'hw-1'))).status).toBe(200)
    const r = await post('/validate', plain(product, key, 'hw-2'))
    expect(r.status).toBe(403)
    expect(r.body.error_code).toBe('HWID_MISMATCH')
    expect((await post('/activate', plain(product, key, 'hw-2'))).body.error_code).toBe(
      'HWID_MISMATCH',
    )
    expect((await eventsOf(license.id)).filter((e) => e.type === 'hwid_mismatch')).toHaveLength(2)
    // The bound machine still validates.
    expect((await post('/validate', plain(product, key, 'hw-1'))).status).toBe(200)
  })

  it('MAX_USES_EXCEEDED on an unlocked license; a silent session frees its slot', async () => {
    const { product, key } = await seed(srv, { hwid_locked: false, max_uses: 1 })
    expect((await post('/activate', plain(product, key, 'hw-a'))).status).toBe(200)
    const r = await post('/activate', plain(product, key, 'hw-b'))
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({
      error_code: 'MAX_USES_EXCEEDED',
      message: 'Maximum activations reached',
    })
    // hw-a misses two heartbeats (default heartbeat_seconds 300): its session is dead at read time.
    const past = new Date(Date.now() - 601_000).toISOString()
    await db().run`UPDATE sessions SET last_seen_at = ${past} WHERE hwid = 'hw-a'`
    expect((await post('/activate', plain(product, key, 'hw-b'))).status).toBe(200)
  })

  it('a locked license with max_uses 2 takes two machines and refuses the third', async () => {
    const { product, key } = await seed(srv, { max_uses: 2 })
    expect((await post('/activate', plain(product, key, 'm1'))).status).toBe(200)
    expect((await post('/activate', plain(product, key, 'm2'))).status).toBe(200)
    expect((await post('/activate', plain(product, key, 'm3'))).body.error_code).toBe(
      'HWID_MISMATCH',
    )
    // Re-activating a bound machine is not a new use.
    expect((await post('/activate', plain(product, key, 'm1'))).status).toBe(200)
  })
})

describe('concurrency', () => {
  it('ten machines racing for the last slot: exactly one wins', async () => {
    const { product, license, key } = await seed(srv)
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post('/activate', plain(product, key, `race-${i}`))),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.body.error_code === 'HWID_MISMATCH')).toHaveLength(9)
    expect((await srv.runtime.services.licenses.get(CONSOLE, license.id)).current_uses).toBe(1)
  })
})

describe('sessions and heartbeat', () => {
  it('rotates the token; the old one, a silent session and a foreign HWID are refused', async () => {
    const { product, license, key } = await seed(srv, { max_uses: 2 })
    const a = await post('/activate', plain(product, key, 'hw-1'))
    const t1 = a.body.data.session.token
    const hb = await post('/heartbeat', plain(product, key, 'hw-1', { session_token: t1 }))
    expect(hb.status).toBe(200)
    const t2 = hb.body.data.new_token
    expect(t2).not.toBe(t1)
    expect(hb.body.data.session.token).toBe(t2)
    const old = await post('/heartbeat', plain(product, key, 'hw-1', { session_token: t1 }))
    expect(old.status).toBe(401)
    expect(old.body).toMatchObject({
      error_code: 'SESSION_EXPIRED',
      message: 'Session expired or invalid',
    })
    // The token presented from another machine ends the session (hijack).
    await post('/activate', plain(product, key, 'hw-2'))
    const hijack = await post('/heartbeat', plain(product, key, 'hw-2', { session_token: t2 }))
    expect(hijack.status).toBe(401)
    expect((await eventsOf(license.id)).some((e) => e.type === 'session_hijack')).toBe(true)
    expect(
      (await post('/heartbeat', plain(product, key, 'hw-1', { session_token: t2 }))).status,
    ).toBe(401)
    // Only the SHA-256 of a token is stored.
    const rows = await db().all<{ token_hash: string }>`
      SELECT token_hash FROM sessions WHERE license_id = ${license.id}`
    expect(
      rows.every(
        (r) => r.token_hash !== t1 && r.token_hash !== t2 && /^[0-9a-f]{64}$/.test(r.token_hash),
      ),
    ).toBe(true)
  })

  it('a session that missed its heartbeats is dead', async () => {
    const { product, key } = await seed(srv, {}, { heartbeat_seconds: 60 })
    const a = await post('/activate', plain(product, key, 'hw-1'))
    await db()
      .run`UPDATE sessions SET last_seen_at = ${new Date(Date.now() - 121_000).toISOString()}
      WHERE hwid = 'hw-1'`
    const r = await post(
      '/heartbeat',
      plain(product, key, 'hw-1', { session_token: a.body.data.session.token }),
    )
    expect(r.status).toBe(401)
    expect(r.body.error_code).toBe('SESSION_EXPIRED')
  })

  it('session expiry comes from the product policy', async () => {
    const { product, key } = await seed(srv, {}, { session_minutes: 30 })
    const a = await post('/activate', plain(product, key, 'hw-1'))
    const ms = new Date(a.body.data.session.expires_at).getTime() - Date.now()
    expect(ms).toBeGreaterThan(29 * 60_000)
    expect(ms).toBeLessThanOrEqual(30 * 60_000)
  })

  it('deactivate releases the machine and closes its sessions; an unbound machine is refused', async () => {
    const { product, license, key } = await seed(srv)
    const a = await post('/activate', plain(product, key, 'hw-1'))
    const d = await post('/deactivate', plain(product, key, 'hw-1'))
    expect(d.status).toBe(200)
    expect(d.body.data).toMatchObject({ deactivated: true, sessions_closed: 1 })
    expect((await srv.runtime.services.licenses.get(CONSOLE, license.id)).current_uses).toBe(0)
    expect(
      (
        await post(
          '/heartbeat',
          plain(product, key, 'hw-1', { session_token: a.body.data.session.token }),
        )
      ).status,
    ).toBe(401)
    const again = await post('/deactivate', plain(product, key, 'hw-1'))
    expect(again.status).toBe(403)
    expect(again.body.error_code).toBe('HWID_MISMATCH')
    expect((await eventsOf(license.id)).map((e) => e.type)).toContain('license_deactivation')
  })
})

describe('challenges', () => {
  const answer = (hwid: string, ch: string) => createHmac('sha256', hwid).update(ch).digest('hex')

  it('accepts the right answer once; a replay is SECURITY_VIOLATION + replay_attack', async () => {
    const { product, license, key } = await seed(srv)
    const ch = (await post('/activate', plain(product, key, 'hw-1'))).body.data.challenge
    const ok = await post(
      '/verify-challenge',
      plain(product, key, 'hw-1', { challenge: ch, response: answer('hw-1', ch) }),
    )
    expect(ok.status).toBe(200)
    expect(ok.body.data).toMatchObject({ valid: true, verified: true })
    const replay = await post(
      '/verify-challenge',
      plain(product, key, 'hw-1', { challenge: ch, response: answer('hw-1', ch) }),
    )
    expect(replay.status).toBe(403)
    expect(replay.body).toMatchObject({
      error_code: 'SECURITY_VIOLATION',
      message: 'Challenge already used',
    })
    expect((await eventsOf(license.id)).some((e) => e.type === 'replay_attack')).toBe(true)
  })

  it('a wrong answer burns the challenge; unknown, foreign and expired challenges are refused', async () => {
    const { product, key } = await seed(srv, { max_uses: 2 })
    const ch = (await post('/activate', plain(product, key, 'hw-1'))).body.data.challenge
    const wrong = await post(
      '/verify-challenge',
      plain(product, key, 'hw-1', { challenge: ch, response: answer('hw-x', ch) }),
    )
    expect(wrong.status).toBe(403)
    expect(wrong.body.message).toBe('Challenge response is wrong')
    const late = await post(
      '/verify-challenge',
      plain(product, key, 'hw-1', { challenge: ch, response: answer('hw-1', ch) }),
    )
    expect(late.body.message).toBe('Challenge already used')
    const unknown = await post(
      '/verify-challenge',
      plain(product, key, 'hw-1', { challenge: 'f'.repeat(64), response: answer('hw-1', 'x') }),
    )
    expect(unknown.body).toMatchObject({
      error_code: 'SECURITY_VIOLATION',
      message: 'Unknown challenge',
    })
    // Challenges live a second here, so that one can expire during the test.
    srv.runtime.services.licensing.configure({ challengeSeconds: 1 })
    const act2 = (await post('/activate', plain(product, key, 'hw-2'))).body.data
    srv.runtime.services.licensing.configure({ challengeSeconds: 300 })
    const ch2 = act2.challenge as string
    const foreign = await post(
      '/verify-challenge',
      plain(product, key, 'hw-1', { challenge: ch2, response: answer('hw-1', ch2) }),
    )
    expect(foreign.body.message).toBe('Unknown challenge')
    // One changed character anywhere (here the expiry, pushed a day later) and it is not ours.
    const later =
      ch2.slice(0, 32) + (parseInt(ch2.slice(32, 40), 16) + 86_400).toString(16) + ch2.slice(40)
    const forged = await post(
      '/verify-challenge',
      plain(product, key, 'hw-2', { challenge: later, response: answer('hw-2', later) }),
    )
    expect(forged.body.message).toBe('Unknown challenge')
    await new Promise((r) => setTimeout(r, Date.parse(act2.challenge_expires_at) - Date.now() + 50))
    const expired = await post(
      '/verify-challenge',
      plain(product, key, 'hw-2', { challenge: ch2, response: answer('hw-2', ch2) }),
    )
    expect(expired.body.message).toBe('Challenge expired')
  })
})

describe('VM / debugger indicator policy', () => {
  const cd = {
    platform: 'linux',
    vm_indicators: ['vm_mac_address'],
    debug_indicators: ['env_debug'],
  }

  it('block: SECURITY_VIOLATION with security_blocked, nothing bound', async () => {
    const { product, license, key } = await seed(srv, {}, { vm_policy: 'block' })
    const r = await post('/activate', plain(product, key, 'hw-1', { client_data: cd }))
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({
      error_code: 'SECURITY_VIOLATION',
      security_blocked: true,
      security_details: { reason: 'vm_detected' },
    })
    expect((await srv.runtime.services.licenses.get(CONSOLE, license.id)).current_uses).toBe(0)
    expect(
      (await eventsOf(license.id)).some((e) => e.type === 'vm_detected' && e.blocked === 1),
    ).toBe(true)
  })

  it('flag: passes and the event carries the flags; ignore: passes unflagged', async () => {
    const flagged = await seed(srv, {}, { vm_policy: 'flag', debug_policy: 'flag' })
    expect(
      (await post('/validate', plain(flagged.product, flagged.key, 'hw', { client_data: cd })))
        .status,
    ).toBe(200)
    const ev = (await eventsOf(flagged.license.id)).find((e) => e.type === 'license_validation')!
    expect(JSON.parse(ev.details).flags).toEqual(['vm_detected', 'debug_detected'])
    const ignored = await seed(srv, {}, { vm_policy: 'ignore', debug_policy: 'ignore' })
    expect(
      (await post('/validate', plain(ignored.product, ignored.key, 'hw', { client_data: cd })))
        .status,
    ).toBe(200)
    const ev2 = (await eventsOf(ignored.license.id)).find((e) => e.type === 'license_validation')!
    expect(JSON.parse(ev2.details).flags).toBeUndefined()
  })
})
