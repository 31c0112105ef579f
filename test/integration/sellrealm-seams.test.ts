import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { vendor, v0 } from './sellrealm-helpers'
import { mapSellRealmError } from '../../src/main/http/protocols/sellrealm/errors'
import { DomainError } from '../../src/shared/errors'
import { dbOf } from '../helpers/db'

/**
 * SellRealm over the services' seams: the adapter reads the services' clock (a fixed clock is
 * the one time it sees), and the services name refusals with neutral reason codes that the
 * adapter words ("Invalid nonce"); events keep the neutral code.
 */
describe('SellRealm v0 on the services seams', () => {
  const FIXED = Date.parse('2026-01-10T12:00:00.000Z')
  let s: TestServer
  let secret: string
  let productNum: number
  let productId: string
  let actor: Awaited<ReturnType<typeof vendor>>['actor']

  const newKey = async () =>
    (await s.runtime.services.licenses.create(actor, { product_id: productId, type: 'lifetime' }))
      .license_key
  const login = (key: string, extra: Record<string, string | number> = {}) =>
    v0(s, { key, hwid: 'HWID-SEAM', auth_secret: secret, product_id: productNum, ...extra })

  beforeAll(async () => {
    s = await startTestServer({ clock: () => new Date(FIXED) })
    const v = await vendor(s, 'seams@example.com')
    secret = v.authSecret
    actor = v.actor
    const p = await s.runtime.services.products.create(actor, { name: 'Seams' })
    productNum = p.num
    productId = p.id
  })
  afterAll(() => s.stop())

  it('checks `timestamp` and answers `server_time` by the services clock', async () => {
    const key = await newKey()
    const fixedSeconds = FIXED / 1000
    const ok = await login(key, { timestamp: fixedSeconds })
    expect(ok.status).toBe(200)
    expect(ok.body.server_time).toBe(fixedSeconds)
    // Wall-clock "now" is far from the fixed clock: outside the window.
    const wall = await login(key, { timestamp: fixedSeconds + 3600 })
    expect(wall).toEqual({
      status: 400,
      body: {
        status: 'error',
        message: 'Invalid timestamp: more than 300 seconds from server time',
      },
    })
  })

  it('words a replayed nonce in SellRealm terms; the event keeps the neutral reason code', async () => {
    const key = await newKey()
    const l = await login(key)
    expect(l.status).toBe(200)
    const check = (nonce: string) =>
      v0(s, {
        type: 'check_session',
        session_id: l.body.session_id,
        nonce,
        auth_secret: secret,
        product_id: productNum,
      })
    expect((await check(l.body.nonce)).status).toBe(200)
    expect(await check(l.body.nonce)).toEqual({
      status: 403,
      body: { status: 'error', message: 'Invalid nonce' },
    })
    const rows = await dbOf(s.runtime.store).all<{ details: string }>`
      SELECT details FROM events WHERE type = 'replay_attack'`
    expect(rows.map((r) => JSON.parse(r.details))).toEqual([
      { kind: 'nonce', protocol: 'sellrealm', reason: 'nonce_replayed' },
    ])
  })

  it.each([
    ['nonce_replayed', 'SECURITY_VIOLATION', 'Invalid nonce'],
    ['session_unknown', 'SESSION_EXPIRED', 'Invalid session'],
    ['session_terminated', 'SESSION_EXPIRED', 'Session has been terminated'],
  ] as const)('the adapter words reason %s (%s) as "%s"', (reason, code, message) => {
    const err = new DomainError(code, 'service wording', { reason })
    expect(mapSellRealmError('license', err)).toEqual({ status: 403, message })
  })
})
