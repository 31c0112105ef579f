import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { vendor, v0 } from './sellrealm-helpers'
import { CONSOLE } from '../../src/main/services/context'
import { listLicensesSchema } from '@shared/schemas'
import { dbOf } from '../helpers/db'

/**
 * SellRealm License API v0 over real HTTP: every operation, form-encoded and JSON, and every
 * error row of the reference's table.
 */
describe('SellRealm License API v0', () => {
  let s: TestServer
  let secret: string
  let productNum: number
  let productId: string
  let actor: Awaited<ReturnType<typeof vendor>>['actor']
  let auth: Record<string, string>

  const newKey = async (extra: Record<string, unknown> = {}) => {
    const l = await s.runtime.services.licenses.create(actor, {
      product_id: productId,
      type: 'lifetime',
      ...extra,
    })
    return l.license_key
  }
  const login = (key: string, hwid = 'HWID-A', extra: Record<string, string | number> = {}) =>
    v0(s, { key, hwid, auth_secret: secret, product_id: productNum, ...extra })

  beforeAll(async () => {
    s = await startTestServer()
    const v = await vendor(s, 'vendor@example.com')
    secret = v.authSecret
    actor = v.actor
    auth = v.auth
    // A high validation pace so nonce chains are not throttled by the engine's per-key limit.
    const p = await s.runtime.services.products.create(actor, {
      name: 'Game',
      policy: { validate_per_minute: 1000 },
    })
    productNum = p.num
    productId = p.id
  })
  afterAll(() => s.stop())

  it('logs in (form-encoded): session, nonce, dates in SellRealm format, server time, level', async () => {
    const key = await newKey({
      type: 'subscription',
      expires_at: '2031-12-31T10:00:00.000Z',
      level: 3,
    })
    const r = await login(key)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      status: 'success',
      message: 'Key is valid',
      key_expires_at: '2031-12-31',
      level: 3,
    })
    expect(r.body.session_id).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(r.body.session_expires_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    expect(typeof r.body.nonce).toBe('string')
    expect(Math.abs(r.body.server_time - Date.now() / 1000)).toBeLessThan(60)
    expect(r.body.variables).toEqual({})
  })

  it('logs in with a JSON body too, and a lifetime key has no expiry date', async () => {
    const key = await newKey()
    const r = await v0(
      s,
      { key, hwid: 'HWID-J', auth_secret: secret, product_id: productNum },
      { json: true },
    )
    expect(r.status).toBe(200)
    expect(r.body.key_expires_at).toBeNull()
  })

  it('runs every operation with a JSON body too (numbers as JSON numbers)', async () => {
    const key = await newKey({ max_uses: 1 })
    const json = (fields: Record<string, string | number>) =>
      v0(s, { auth_secret: secret, ...fields }, { json: true })
    const l = await json({
      key,
      hwid: 'HWID-JS',
      product_id: productNum,
      timestamp: Math.floor(Date.now() / 1000),
    })
    expect(l.body.message).toBe('Key is valid')
    const c = await json({
      type: 'check_session',
      session_id: l.body.session_id,
      nonce: l.body.nonce,
      product_id: productNum,
    })
    expect(c.body.message).toBe('Session is active and key is valid')
    expect((await json({ type: 'get_hwid', key })).body.hwid).toBe('HWID-JS')
    expect((await json({ type: 'log_action', key, action_type: 'open' })).body.message).toBe(
      'Action logged successfully',
    )
    expect(
      (
        await json({
          type: 'terminate_session',
          key,
          session_id: l.body.session_id,
          nonce: c.body.nonce,
        })
      ).body.message,
    ).toBe('Session terminated')
    expect((await json({ type: 'reset_hwid', key })).body.message).toBe('HWID reset successfully')
    expect((await json({ type: 'restore_hwid', key, hwid: 'HWID-JS2' })).body.hwid).toBe('HWID-JS2')
    expect((await json({ type: 'ban_key', key })).body.message).toBe(
      'Key has been banned successfully',
    )
    expect((await json({ type: 'get_hwid', key })).body.message).toBe('Key has been banned')
    expect((await json({ key, hwid: 'HWID-JS2', product_id: '12x' })).status).toBe(400)
  })

  it('returns string, boolean and file variables, license ones overriding the product ones', async () => {
    const key = await newKey()
    const lic = (
      await s.runtime.services.licenses.list(actor, listLicensesSchema.parse({ q: key }))
    ).items[0]
    const post = (path: string, body: unknown) => s.json(path, { body, headers: auth })
    expect(
      (
        await post(`/api/products/${productId}/variables`, {
          name: 'api_endpoint',
          type: 'string',
          value: 'https://a',
        })
      ).status,
    ).toBe(200)
    await post(`/api/products/${productId}/variables`, {
      name: 'premium',
      type: 'boolean',
      value: false,
    })
    await post(`/api/products/${productId}/variables`, {
      name: 'cfg',
      type: 'file',
      file_name: 'app.ini',
      data: Buffer.from('x=1\n').toString('base64'),
    })
    await post(`/api/licenses/${lic.id}/variables`, {
      name: 'premium',
      type: 'boolean',
      value: true,
    })
    const r = await login(key, 'HWID-V')
    expect(r.body.variables).toEqual({
      api_endpoint: 'https://a',
      premium: true,
      cfg: { name: 'app.ini', size: 4, data: Buffer.from('x=1\n').toString('base64') },
    })
    // Clean up: the other tests expect no variables.
    for (const n of ['api_endpoint', 'premium', 'cfg'])
      await s.json(`/api/products/${productId}/variables/${n}`, { method: 'DELETE', headers: auth })
  })

  it('refuses a wrong auth_secret and a wrong key with 403 "Invalid key or auth secret"', async () => {
    const key = await newKey()
    const wrongSecret = await v0(s, {
      key,
      hwid: 'H',
      auth_secret: 'x'.repeat(48),
      product_id: productNum,
    })
    expect(wrongSecret).toEqual({
      status: 403,
      body: { status: 'error', message: 'Invalid key or auth secret' },
    })
    const wrongKey = await login('AAAA-BBBB-CCCC-DDDD')
    expect(wrongKey).toEqual({
      status: 403,
      body: { status: 'error', message: 'Invalid key or auth secret' },
    })
  })

  it('refuses a key of another account under this auth_secret as a wrong key', async () => {
    const other = await vendor(s, 'other@example.com')
    const p = await s.runtime.services.products.create(other.actor, { name: 'Theirs' })
    const l = await s.runtime.services.licenses.create(other.actor, { product_id: p.id })
    const r = await v0(s, { key: l.license_key, hwid: 'H', auth_secret: secret, product_id: p.num })
    expect(r).toEqual({
      status: 403,
      body: { status: 'error', message: 'Invalid key or auth secret' },
    })
    const own = await v0(s, {
      key: l.license_key,
      hwid: 'H',
      auth_secret: other.authSecret,
      product_id: p.num,
    })
    expect(own.status).toBe(200)
  })

  it('answers 400 for a missing parameter, a bad product_id and an unknown type', async () => {
    const key = await newKey()
    expect(await v0(s, { key, auth_secret: secret, product_id: productNum })).toEqual({
      status: 400,
      body: { status: 'error', message: 'Missing required parameter: hwid' },
    })
    const bad = await v0(s, { key, hwid: 'H', auth_secret: secret, product_id: 'abc' })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/product_id/)
    expect((await v0(s, { type: 'nope', key, auth_secret: secret })).body.message).toBe(
      'Invalid type: nope',
    )
  })

  it('refuses a key of another product with 403 "Invalid product_id"', async () => {
    const key = await newKey()
    const p2 = await s.runtime.services.products.create(actor, { name: 'Other product' })
    expect(await login(key, 'H', { product_id: p2.num })).toEqual({
      status: 403,
      body: { status: 'error', message: 'Invalid product_id' },
    })
  })

  it('refuses another machine on a bound key with 403 "HWID does not match"', async () => {
    const key = await newKey({ max_uses: 1, hwid_locked: true })
    expect((await login(key, 'HWID-1')).status).toBe(200)
    expect(await login(key, 'HWID-2')).toEqual({
      status: 403,
      body: { status: 'error', message: 'HWID does not match' },
    })
  })

  it('rotates the nonce on every check_session over a long chain, and refuses a replayed one', async () => {
    const key = await newKey()
    const l = await login(key, 'HWID-N')
    const sessionId = l.body.session_id
    let nonce: string = l.body.nonce
    const seen = new Set([nonce])
    const check = (n: string, extra: Record<string, string> = {}) =>
      v0(s, {
        type: 'check_session',
        session_id: sessionId,
        nonce: n,
        auth_secret: secret,
        product_id: productNum,
        ...extra,
      })
    for (let i = 0; i < 40; i++) {
      const r = await check(nonce)
      expect(r.status).toBe(200)
      expect(r.body).toMatchObject({
        status: 'success',
        message: 'Session is active and key is valid',
        key_expires_at: null,
        level: 1,
      })
      expect(seen.has(r.body.nonce)).toBe(false)
      seen.add(r.body.nonce)
      nonce = r.body.nonce
    }
    const old = [...seen][10]
    const replay = await check(old)
    expect(replay).toEqual({ status: 403, body: { status: 'error', message: 'Invalid nonce' } })
    const events = await dbOf(s.runtime.store).all<{ details: string }>`
      SELECT details FROM events WHERE type = 'replay_attack'`
    expect(events.some((e) => JSON.parse(e.details).kind === 'nonce')).toBe(true)
    // The replay did not consume the current nonce: the rightful client carries on.
    expect((await check(nonce)).status).toBe(200)
  })

  it('answers "Session has expired" once a session is past its expiry, and "Invalid session" for an unknown one', async () => {
    const key = await newKey()
    const l = await login(key, 'HWID-E')
    await dbOf(s.runtime.store).run`UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'
      WHERE revoked_at IS NULL AND hwid = 'HWID-E'`
    const r = await v0(s, {
      type: 'check_session',
      session_id: l.body.session_id,
      nonce: l.body.nonce,
      auth_secret: secret,
      product_id: productNum,
    })
    expect(r).toEqual({ status: 403, body: { status: 'error', message: 'Session has expired' } })
    const unknown = await v0(s, {
      type: 'check_session',
      session_id: 'nope',
      nonce: 'x',
      auth_secret: secret,
      product_id: productNum,
    })
    expect(unknown).toEqual({ status: 403, body: { status: 'error', message: 'Invalid session' } })
  })

  it('gets, resets and restores the HWID', async () => {
    const key = await newKey({ max_uses: 1 })
    const l = await login(key, 'HWID-OLD')
    const op = (type: string, extra: Record<string, string> = {}) =>
      v0(s, { type, key, auth_secret: secret, ...extra })
    expect((await op('get_hwid')).body).toEqual({
      status: 'success',
      message: 'HWID retrieved',
      hwid: 'HWID-OLD',
    })
    expect((await op('reset_hwid')).body).toEqual({
      status: 'success',
      message: 'HWID reset successfully',
    })
    expect((await op('get_hwid')).body.hwid).toBeNull()
    // The reset ended the old machine's session.
    const check = await v0(s, {
      type: 'check_session',
      session_id: l.body.session_id,
      nonce: l.body.nonce,
      auth_secret: secret,
      product_id: productNum,
    })
    expect(check.body.message).toBe('Session has been terminated')
    expect((await op('restore_hwid', { hwid: 'HWID-SET' })).body).toEqual({
      status: 'success',
      message: 'HWID restored successfully',
      hwid: 'HWID-SET',
    })
    expect((await op('get_hwid')).body.hwid).toBe('HWID-SET')
    expect((await login(key, 'HWID-OTHER')).body.message).toBe('HWID does not match')
    expect((await login(key, 'HWID-SET')).status).toBe(200)
    expect((await op('restore_hwid')).body.message).toBe('Missing required parameter: hwid')
  })

  it('terminates a session (current nonce required), after which check_session refuses it', async () => {
    const key = await newKey()
    const l = await login(key, 'HWID-T')
    const term = (nonce: string) =>
      v0(s, {
        type: 'terminate_session',
        key,
        session_id: l.body.session_id,
        nonce,
        auth_secret: secret,
      })
    expect((await term('stale')).body.message).toBe('Invalid nonce')
    expect((await term(l.body.nonce)).body).toEqual({
      status: 'success',
      message: 'Session terminated',
    })
    const check = await v0(s, {
      type: 'check_session',
      session_id: l.body.session_id,
      nonce: l.body.nonce,
      auth_secret: secret,
      product_id: productNum,
    })
    expect(check).toEqual({
      status: 403,
      body: { status: 'error', message: 'Session has been terminated' },
    })
  })

  it('logs an action as an audit event', async () => {
    const key = await newKey()
    const r = await v0(s, {
      type: 'log_action',
      key,
      action_type: 'export',
      action_details: 'csv, 30 rows',
      auth_secret: secret,
    })
    expect(r.body).toEqual({ status: 'success', message: 'Action logged successfully' })
    const row = (await dbOf(s.runtime.store).one<{ details: string }>`
      SELECT details FROM events WHERE type = 'custom_action' ORDER BY id DESC`)!
    expect(JSON.parse(row.details)).toMatchObject({
      action_type: 'export',
      action_details: 'csv, 30 rows',
      protocol: 'sellrealm',
    })
    expect((await v0(s, { type: 'log_action', key, auth_secret: secret })).body.message).toBe(
      'Missing required parameter: action_type',
    )
  })

  it('bans a key for good: sessions end and every surface answers "Key has been banned"', async () => {
    const key = await newKey()
    const l = await login(key, 'HWID-B')
    const ban = await v0(s, { type: 'ban_key', key, reason: 'chargeback', auth_secret: secret })
    expect(ban).toEqual({
      status: 200,
      body: { status: 'success', message: 'Key has been banned successfully' },
    })
    const banned = { status: 403, body: { status: 'error', message: 'Key has been banned' } }
    expect(await login(key, 'HWID-B')).toEqual(banned)
    expect(
      await v0(s, {
        type: 'check_session',
        session_id: l.body.session_id,
        nonce: l.body.nonce,
        auth_secret: secret,
        product_id: productNum,
      }),
    ).toEqual(banned)
    expect(await v0(s, { type: 'get_hwid', key, auth_secret: secret })).toEqual(banned)
    expect(await v0(s, { type: 'ban_key', key, auth_secret: secret })).toEqual(banned)
    // Another surface: the LicenseCM client API refuses it as banned too.
    const cm = await s.json('/api/client/validate', {
      body: { license_key: key, product_id: productId, hwid: 'HWID-B' },
    })
    expect(cm.status).toBe(403)
    expect(cm.body.error_code).toBe('LICENSE_BANNED')
    const lic = (
      await s.runtime.services.licenses.list(actor, listLicensesSchema.parse({ q: key }))
    ).items[0]
    expect(lic).toMatchObject({ status: 'banned', status_reason: 'chargeback' })
    const live = (await dbOf(s.runtime.store).one<{ n: number }>`
      SELECT COUNT(*) AS n FROM sessions WHERE license_id = ${lic.id} AND revoked_at IS NULL`)!
    expect(live.n).toBe(0)
  })

  it('checks `timestamp` against server time when sent', async () => {
    const key = await newKey()
    const now = Math.floor(Date.now() / 1000)
    expect((await login(key, 'HWID-TS', { timestamp: now })).status).toBe(200)
    const late = await login(key, 'HWID-TS', { timestamp: now - 3600 })
    expect(late.status).toBe(400)
    expect(late.body.message).toBe('Invalid timestamp: more than 300 seconds from server time')
  })

  it('refuses an oversized body (413) and an unknown content type (415) in its own shape', async () => {
    const big = await v0(s, { type: 'get_hwid', key: 'x'.repeat(70 * 1024), auth_secret: secret })
    expect(big).toEqual({
      status: 413,
      body: { status: 'error', message: 'Request body is too large' },
    })
    const res = await fetch(s.url + '/api/v0/', {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<a/>',
    })
    expect(res.status).toBe(415)
    expect(await res.json()).toEqual({ status: 'error', message: 'Unsupported content type' })
  })

  it('answers a wrong method with 405', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await s.json('/api/v0/', { method })
      expect(r.status).toBe(405)
      expect(r.body).toEqual({ status: 'error', message: 'Method Not Allowed' })
      expect(r.headers.get('allow')).toBe('POST')
    }
  })

  it('serves the installation (desktop console) products with the installation auth_secret', async () => {
    const inst = await s.runtime.services.store.secrets.get(CONSOLE)
    expect(inst.auth_secret).toMatch(/^[A-Za-z0-9]{48}$/)
    const p = await s.runtime.services.products.create(CONSOLE, { name: 'Desk' })
    const l = await s.runtime.services.licenses.create(CONSOLE, { product_id: p.id })
    expect(
      (
        await v0(s, {
          key: l.license_key,
          hwid: 'H',
          auth_secret: inst.auth_secret,
          product_id: p.num,
        })
      ).status,
    ).toBe(200)
    expect(
      (await v0(s, { key: l.license_key, hwid: 'H', auth_secret: secret, product_id: p.num }))
        .status,
    ).toBe(403)
  })
})

describe('SellRealm License API v0 rate limit', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
    await s.runtime.services.store.config.update(CONSOLE, { rate_limit_per_minute: 5 })
  })
  afterAll(() => s.stop())

  it('answers 429 "Too Many Requests" past the per-IP limit', async () => {
    const statuses: number[] = []
    let last: Awaited<ReturnType<typeof v0>> | undefined
    for (let i = 0; i < 7; i++) {
      last = await v0(s, { type: 'get_hwid', key: 'K', auth_secret: 'wrong' })
      statuses.push(last.status)
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429, 429])
    expect(last!.body).toEqual({ status: 'error', message: 'Too Many Requests' })
  })
})
