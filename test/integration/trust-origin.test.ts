import { request } from 'node:http'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, firstAdmin, PASSWORD, setupHeader } from '../helpers/mgmt'
import { seed } from '../helpers/licensecm-client'
import { CONSOLE } from '../../src/main/services/context'

/**
 * Issue 11, items 2 and 3: where a request comes from (one request-origin model, Host and
 * Origin checks, JSON-only management bodies, the setup token) and the web console's door.
 */

interface Raw {
  status: number
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A real HTTP request with any headers (fetch will not send a foreign Host). */
function raw(
  s: TestServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Raw> {
  const u = new URL(s.url)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method, path, headers: { ...headers } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => {
          let parsed: unknown = text
          try {
            parsed = JSON.parse(text)
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed })
        })
      },
    )
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

const TOKEN = 'trust-origin-setup-token'
const setTrust = (s: TestServer, patch: Record<string, unknown>) =>
  s.runtime.services.settings.update(CONSOLE, patch)

describe('the first admin cannot be claimed by another site', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: TOKEN } })
  })
  afterAll(() => s.stop())

  const form = `email=evil%40example.com&password=${encodeURIComponent(PASSWORD)}`
  const formType = { 'content-type': 'application/x-www-form-urlencoded' }

  it('refuses a cross-site form POST /api/auth/register (foreign Origin and Host), leaving no account', async () => {
    const crossSite = await raw(
      s,
      'POST',
      '/api/auth/register',
      { ...formType, host: 'evil.example', origin: 'http://evil.example' },
      form,
    )
    expect(crossSite.status).toBe(403)
    expect(crossSite.body).toMatchObject({
      success: false,
      error_code: 'FORBIDDEN',
      message: expect.stringMatching(/not one of this server's names/),
    })
    // Our own Host, but a foreign Origin (a page on another site posting to 127.0.0.1).
    const foreignOrigin = await raw(
      s,
      'POST',
      '/api/auth/register',
      { ...formType, origin: 'http://evil.example' },
      form,
    )
    expect(foreignOrigin.status).toBe(403)
    expect(foreignOrigin.body).toMatchObject({
      success: false,
      error_code: 'FORBIDDEN',
      message: expect.stringMatching(/Cross-origin request refused/),
    })
    // Even with the setup token, a form body is not accepted on the management API.
    const formWithToken = await raw(
      s,
      'POST',
      '/api/auth/register',
      { ...formType, 'x-setup-token': s.runtime.setupToken },
      form,
    )
    expect(formWithToken.status).toBe(415)
    expect(formWithToken.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
    expect(await s.runtime.services.accounts.isEmpty()).toBe(true)
  })

  it('accepts the same-origin JSON register with the setup token', async () => {
    const r = await raw(
      s,
      'POST',
      '/api/auth/register',
      {
        'content-type': 'application/json',
        origin: s.url,
        'x-setup-token': s.runtime.setupToken,
      },
      JSON.stringify({ email: 'owner@example.com', password: PASSWORD }),
    )
    expect(r.status).toBe(201)
    expect(r.body.data.user.role).toBe('admin')
  })
})

describe('DNS rebinding: a wrong Host, per surface', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: TOKEN } })
    token = (await firstAdmin(s)).token
  })
  afterAll(() => s.stop())

  const rebound = { host: 'attacker.example:47293' }

  it.each([
    ['management API', '/api/products', { success: false, error_code: 'FORBIDDEN' }],
    ['OpenAPI document', '/api/openapi.json', { success: false, error_code: 'FORBIDDEN' }],
    [
      'API reference (same access as the document)',
      '/api/docs',
      { success: false, error_code: 'FORBIDDEN' },
    ],
    ['console session', '/console/session', { ok: false, error: { code: 'FORBIDDEN' } }],
  ])('refuses the %s in its own error shape', async (_name, path, shape) => {
    const r = await raw(s, 'GET', path, { ...rebound, authorization: `Bearer ${token}` })
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject(shape)
  })

  it('still answers the client API and health under a Host the management API refuses', async () => {
    const mgmt = await raw(s, 'GET', '/api/products', {
      ...rebound,
      authorization: `Bearer ${token}`,
    })
    expect(mgmt.status).toBe(403)
    expect((await raw(s, 'GET', '/api/client/public-key', rebound)).status).toBe(200)
    expect((await raw(s, 'GET', '/api/health', rebound)).body.status).toBe('ok')
  })

  it('answers a name only once an admin adds it to allowed_hosts', async () => {
    const named = { host: 'keys.example.com', authorization: `Bearer ${token}` }
    expect((await raw(s, 'GET', '/api/products', named)).status).toBe(403)
    await setTrust(s, { allowed_hosts: ['keys.example.com'] })
    expect((await raw(s, 'GET', '/api/products', named)).status).toBe(200)
    await setTrust(s, { allowed_hosts: [] })
  })
})

describe('forwarding headers and trusted proxies', () => {
  let s: TestServer
  let token: string
  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: TOKEN } })
    token = (await firstAdmin(s)).token
  })
  afterAll(() => s.stop())

  const products = (headers: Record<string, string>) =>
    raw(s, 'GET', '/api/products', { authorization: `Bearer ${token}`, ...headers })

  it('a trusted proxy forwarding a LAN client is not local: the management gate refuses', async () => {
    await setTrust(s, { trusted_proxies: ['127.0.0.1'] })
    const r = await products({ 'x-forwarded-for': '192.168.1.50' })
    expect(r.status).toBe(403)
    expect(r.body.message).toMatch(/only on this machine/)
    // The same through the standard Forwarded header.
    const std = await products({ forwarded: 'for=192.168.1.50;proto=https' })
    expect(std.status).toBe(403)
    // The proxy itself (no forwarding header) is this machine.
    expect((await products({})).status).toBe(200)
    await setTrust(s, { trusted_proxies: [] })
  })

  it('an untrusted hop carrying forwarding headers is never local, and its header is ignored', async () => {
    // A local proxy nobody declared trusted: the request is not treated as this machine's.
    const local = await products({ 'x-forwarded-for': '127.0.0.1' })
    expect(local.status).toBe(403)
    expect(local.body.message).toMatch(/only on this machine/)
    // A LAN peer claiming to be 127.0.0.1 is refused; its claim is not its address.
    const lan = await s.runtime.server!.app.inject({
      method: 'GET',
      url: '/api/products',
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '127.0.0.1' },
      remoteAddress: '192.168.1.60',
    })
    expect(lan.statusCode).toBe(403)
    expect(lan.json().message).toMatch(/only on this machine/)
  })

  it('audits the forwarded client behind a trusted proxy, and the peer otherwise', async () => {
    await setTrust(s, { trusted_proxies: ['127.0.0.0/8'], management_remote_access: true })
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' })
    const json = { 'content-type': 'application/json' }
    expect(
      (
        await raw(
          s,
          'POST',
          '/api/auth/login',
          { ...json, 'x-forwarded-for': '198.51.100.4, 127.0.0.1' },
          body,
        )
      ).status,
    ).toBe(401)
    await setTrust(s, { trusted_proxies: [] })
    expect(
      (
        await raw(
          s,
          'POST',
          '/api/auth/login',
          { ...json, 'x-forwarded-for': '198.51.100.9' },
          body,
        )
      ).status,
    ).toBe(401)
    await setTrust(s, { management_remote_access: false })
    const events = (await api(s, token).get('/api/security/events?event_type=auth.login_failed'))
      .body.data.events as { ip: string }[]
    expect(events.map((e) => e.ip).sort()).toEqual(['127.0.0.1', '198.51.100.4'])
  })
})

describe('brute force through a trusted proxy', () => {
  let s: TestServer
  let admin: ReturnType<typeof api>
  beforeAll(async () => {
    s = await startTestServer()
    admin = api(s, (await firstAdmin(s)).token)
    await admin.put('/api/security/settings', {
      brute_force: { max_failures: 3, block_minutes: 30 },
    })
  })
  afterAll(() => s.stop())

  const validate = (from: string | null, body: Record<string, string>) =>
    raw(
      s,
      'POST',
      '/api/client/validate',
      { 'content-type': 'application/json', ...(from && { 'x-forwarded-for': from }) },
      JSON.stringify(body),
    )

  it('blocks the forwarded guesser, never 127.0.0.1, and other shipped apps keep working', async () => {
    await setTrust(s, { trusted_proxies: ['127.0.0.1'] })
    const { product, key } = await seed(s)
    const guess = (i: number) => ({
      license_key: `GUES-${randomBytes(2).toString('hex')}-${i}`,
      product_id: product.id,
      hwid: `hw-guess-${i}`,
    })
    for (let i = 0; i < 3; i++) {
      expect((await validate('203.0.113.7', guess(i))).body.error_code).toBe('LICENSE_NOT_FOUND')
    }
    const blocked = await validate('203.0.113.7', {
      license_key: key,
      product_id: product.id,
      hwid: 'hw-a',
    })
    expect(blocked.status).toBe(403)
    expect(blocked.body).toMatchObject({
      security_details: { reason: 'temporary_block', type: 'ip' },
    })
    // A shipped app behind the same proxy, from another address, still validates.
    const other = await validate('203.0.113.8', {
      license_key: key,
      product_id: product.id,
      hwid: 'hw-a',
    })
    expect(other.status).toBe(200)
    const list = await admin.get('/api/security/blacklist?source=detection&is_active=true')
    expect(list.body.data.blacklist.map((e: { value: string }) => e.value)).toEqual(['203.0.113.7'])
  })

  it('never blocks 127.0.0.1 itself, even for guesses arriving through an untrusted local proxy', async () => {
    await setTrust(s, { trusted_proxies: [] })
    const { product, key } = await seed(s)
    for (let i = 0; i < 6; i++) {
      const r = await validate(null, {
        license_key: `GUES-${randomBytes(2).toString('hex')}-${i}`,
        product_id: product.id,
        hwid: `hw-local-${i}`,
      })
      expect(r.body.error_code).toBe('LICENSE_NOT_FOUND')
    }
    const app = await validate(null, { license_key: key, product_id: product.id, hwid: 'hw-b' })
    expect(app.status).toBe(200)
    const list = await admin.get('/api/security/blacklist?source=detection&is_active=true')
    expect(list.body.data.blacklist.map((e: { value: string }) => e.value)).toEqual(['203.0.113.7'])
  })
})

describe("the web console's door", () => {
  let s: TestServer
  let admin: { token: string; email: string }
  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: TOKEN } })
  })
  afterAll(() => s.stop())

  const login = (body: unknown, headers: Record<string, string> = {}) =>
    s.json('/console/login', { body, headers })

  it('logs in with the setup token only until an admin exists, and ends its sessions then', async () => {
    const before = await login({ token: TOKEN })
    expect(before.status).toBe(200)
    const session = {
      cookie: before.headers.get('set-cookie')!.split(';')[0],
      'x-csrf-token': before.body.data.csrf as string,
    }
    const rpc = () => s.json('/console/rpc/accounts.list', { body: {}, headers: session })
    expect((await rpc()).status).toBe(200)
    admin = await firstAdmin(s)
    // The session the token opened is no owner credential either: it ends with the first account.
    const ended = await rpc()
    expect(ended.status).toBe(401)
    expect(ended.body).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/log in with its email/) },
    })
    expect((await s.json('/console/session', { headers: session })).status).toBe(401)
    const after = await login({ token: TOKEN })
    expect(after.status).toBe(401)
    expect(after.body).toMatchObject({
      ok: false,
      error: {
        code: 'UNAUTHORIZED',
        message: expect.stringMatching(/once an admin account exists/),
      },
    })
    // ...and the HTTP first-account door is closed too: the token makes no second admin.
    const again = await s.json('/api/auth/register', {
      body: { email: 'second@example.com', password: PASSWORD },
      headers: setupHeader(s),
    })
    expect(again.status).toBe(403)
    expect(again.body.message).toMatch(/Registration is closed/)
  })

  it('records failed console logins as security events and rate-limits them', async () => {
    const bad = { email: 'guessed@example.com', password: 'wrong password' }
    for (let i = 0; i < 10; i++) expect((await login(bad)).status).toBe(401)
    const limited = await login(bad)
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } })
    const events = (
      await api(s, admin.token).get('/api/security/events?event_type=auth.login_failed')
    ).body.data.events as { ip: string; details: { via: string } }[]
    expect(events.filter((e) => e.details.via === 'console')).toHaveLength(10)
    expect(events[0].ip).toBe('127.0.0.1')
    // Another email from the same client is its own counter (like API logins).
    expect((await login({ email: admin.email, password: PASSWORD })).status).toBe(200)
  }, 60_000) // 12 password checks at scrypt N=2^15, p=3 (a failed one too): ~3 s alone, 15 s under load

  it('follows management_remote_access for other machines', async () => {
    const fromLan = () =>
      s.runtime.server!.app.inject({
        method: 'GET',
        url: '/console/session',
        remoteAddress: '192.168.1.50',
      })
    const refused = await fromLan()
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    await setTrust(s, { management_remote_access: true })
    expect((await fromLan()).statusCode).toBe(401)
    await setTrust(s, { management_remote_access: false })
  })

  it('ends console sessions when the password changes', async () => {
    const l = await login({ email: admin.email, password: PASSWORD })
    const cookie = l.headers.get('set-cookie')!.split(';')[0]
    expect((await s.json('/console/session', { headers: { cookie } })).status).toBe(200)
    const changed = await api(s, admin.token).put('/api/auth/password', {
      current_password: PASSWORD,
      new_password: 'a brand new password 7',
    })
    expect(changed.status).toBe(200)
    const after = await s.json('/console/session', { headers: { cookie } })
    expect(after.status).toBe(401)
    expect(after.body).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })
})
