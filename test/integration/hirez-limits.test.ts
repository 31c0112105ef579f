import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { PASSWORD, api as apiAs, firstAdmin, userAccount } from '../helpers/mgmt'
import { createKey } from '../helpers/apikeys'
import { developer, productWithLicense } from './hirez-helpers'

/**
 * Issue 15: sessions die after their minutes and on revoke; every limit of a credential is
 * reached and refused with the reference's words; a credential scoped to one product cannot
 * touch another; credentials are managed over /api/hirez/developers. Injected clock.
 */
let s: TestServer
let jwt: string
let adminEmail: string
let now = new Date('2026-12-01T18:30:05Z')
const clock = () => now
const advance = (ms: number) => (now = new Date(now.getTime() + ms))
const MIN = 60_000

beforeAll(async () => {
  s = await startTestServer({ clock })
  const admin = await firstAdmin(s)
  jwt = admin.token
  adminEmail = admin.email
})

/**
 * A token valid at the injected clock's time (the clock jumps days; a JWT lasts less), then
 * the management calls with it.
 */
let issuedAt = now.getTime()
async function fresh(): Promise<string> {
  const age = now.getTime() - issuedAt
  if (age >= 0 && age < 5 * MIN) return jwt
  issuedAt = now.getTime()
  const r = await s.json('/api/auth/login', { body: { email: adminEmail, password: PASSWORD } })
  if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`)
  return (jwt = r.body.data.token)
}
const api = (_s: TestServer, token: string) => apiAs(_s, token)
afterAll(() => s.stop())

const ret = (r: { body: unknown }) =>
  Array.isArray(r.body)
    ? (r.body[0] as { ret_msg: string }).ret_msg
    : (r.body as { ret_msg: string }).ret_msg

describe('sessions', () => {
  it('die after the credential’s minutes: the next call is "Invalid session id."', async () => {
    const { client: c } = await developer(
      s,
      await fresh(),
      { limits: { session_minutes: 2 } },
      clock,
    )
    await c.createSession()
    advance(MIN + 59_000)
    expect(ret(await c.call('getdataused'))).toBeNull()
    advance(1000)
    expect(ret(await c.call('getdataused'))).toBe('Invalid session id.')
    expect((await c.call('testsession')).body).toBe('Invalid session id.')
    // The client re-creates it, as clients do on that message.
    expect(ret(await c.createSession())).toBe('Approved')
    expect(ret(await c.call('getdataused'))).toBeNull()
  })

  it('a session belongs to its credential', async () => {
    const a = (await developer(s, await fresh(), {}, clock)).client
    const b = (await developer(s, await fresh(), {}, clock)).client
    await a.createSession()
    expect(ret(await b.call('getdataused', [], { session: a.session }))).toBe('Invalid session id.')
  })
})

describe('limits', () => {
  it('concurrent sessions: "Maximum number of active sessions reached" until one ends', async () => {
    const { client: c, dto } = await developer(
      s,
      await fresh(),
      { limits: { concurrent_sessions: 2, session_minutes: 5 } },
      clock,
    )
    expect(ret(await c.createSession())).toBe('Approved')
    advance(MIN)
    expect(ret(await c.createSession())).toBe('Approved')
    const third = await c.createSession()
    expect(third.status).toBe(200)
    expect(third.body).toEqual({
      ret_msg: 'Maximum number of active sessions reached',
      session_id: null,
      timestamp: expect.any(String),
    })
    advance(4 * MIN) // the first one ends
    expect(ret(await c.createSession())).toBe('Approved')
    const listed = (await api(s, await fresh()).get(`/api/hirez/developers/${dto.dev_id}`)).body
      .data
    expect(listed.usage).toMatchObject({ active_sessions: 2, sessions_today: 3 })
  })

  it('daily sessions: refused with dailylimit once the day’s sessions are made; a new UTC day resets', async () => {
    now = new Date('2026-12-03T23:50:00Z')
    const { client: c } = await developer(
      s,
      await fresh(),
      { limits: { daily_sessions: 2 } },
      clock,
    )
    await c.createSession()
    await c.createSession()
    const r = await c.createSession()
    expect(ret(r)).toBe('Daily session limit reached - dailylimit (2 sessions reached)')
    expect(ret(r)).toContain('dailylimit')
    now = new Date('2026-12-04T00:00:01Z')
    expect(ret(await c.createSession())).toBe('Approved')
  })

  it('daily requests: "Daily request limit reached" with dailylimit, counted per signed call', async () => {
    now = new Date('2026-12-05T10:00:00Z')
    const { client: c, dto } = await developer(
      s,
      await fresh(),
      { limits: { daily_requests: 3 } },
      clock,
    )
    // A bad signature costs the credential nothing.
    await c.call('getdataused', [], { signature: 'bad', session: 'x' })
    await c.createSession() // 1
    const used = await c.call('getdataused') // 2
    expect(used.body[0]).toMatchObject({ Total_Requests_Today: 2, Request_Limit_Daily: 3 })
    expect(ret(await c.call('testsession'))).toBeUndefined() // 3: a string answer
    const over = await c.call('getdataused')
    expect(over.status).toBe(200)
    expect(ret(over)).toBe('Daily request limit reached - dailylimit (3 requests reached)')
    expect(ret(over)).toContain('dailylimit')
    // Raising the limit applies at once.
    const patched = await s.json(`/api/hirez/developers/${dto.dev_id}`, {
      method: 'PATCH',
      body: { limits: { daily_requests: 10 } },
      headers: { authorization: `Bearer ${await fresh()}` },
    })
    expect(patched.status).toBe(200)
    expect(patched.body.data.limits.daily_requests).toBe(10)
    expect(ret(await c.call('getdataused'))).toBeNull()
  })

  it('the reseller allotment: none by default', async () => {
    const { product } = await productWithLicense(s)
    const { client: c } = await developer(s, await fresh(), {}, clock)
    await c.createSession()
    expect(ret(await c.call('createlicenses', [product.id, 1]))).toBe(
      'License allotment exhausted: 0 left, 1 asked',
    )
  })
})

describe('revoked and re-keyed credentials', () => {
  it('revoked: sessions end, every call is "Unauthorized Developer Id"', async () => {
    const { client: c, dto } = await developer(s, await fresh(), {}, clock)
    await c.createSession()
    const r = await api(s, await fresh()).del(`/api/hirez/developers/${dto.dev_id}`)
    expect(r.status).toBe(200)
    expect(r.body.data.revoked_at).toBe(now.toISOString())
    expect(r.body.data.usage.active_sessions).toBe(0)
    expect(ret(await c.call('getdataused'))).toBe('Unauthorized Developer Id')
    expect(ret(await c.createSession())).toBe('Unauthorized Developer Id')
  })

  it('re-keyed: the old key stops signing and its sessions end; the new one works', async () => {
    const { client: c, dto } = await developer(s, await fresh(), {}, clock)
    await c.createSession()
    const r = await api(s, await fresh()).post(`/api/hirez/developers/${dto.dev_id}/rekey`)
    expect(r.status).toBe(200)
    expect(r.body.data.auth_key).toMatch(/^[0-9A-F]{32}$/)
    expect(r.body.data.auth_key).not.toBe(dto.auth_key)
    expect(ret(await c.createSession())).toBe(
      'Exception while validating developer access.Invalid signature',
    )
    const old = c.session
    c.authKey = r.body.data.auth_key
    expect(ret(await c.call('getdataused', [], { session: old }))).toBe('Invalid session id.')
    expect(ret(await c.createSession())).toBe('Approved')
    // Any case of the key signs (clients that lowercase it).
    c.authKey = c.authKey.toLowerCase()
    expect(ret(await c.call('getdataused'))).toBeNull()
  })
})

describe('product scope', () => {
  it('a credential scoped to one product cannot touch another', async () => {
    const a = await productWithLicense(s)
    const b = await productWithLicense(s)
    const { client: c, dto } = await developer(
      s,
      await fresh(),
      { product_ids: [a.product.id], limits: { license_allotment: 10 } },
      clock,
    )
    expect(dto.product_ids).toEqual([a.product.id])
    await c.createSession()
    expect(ret(await c.call('getlicense', [a.key]))).toBeNull()
    for (const m of ['getlicense', 'banlicense', 'resethwid', 'getlicensemachines']) {
      expect(ret(await c.call(m, [b.key]))).toBe('License not found')
    }
    expect(ret(await c.call('createlicenses', [b.product.id, 1]))).toBe('Product not found')
    expect(ret(await c.call('createlicenses', [b.product.num, 1]))).toBe('Product not found')
    expect((await c.call('createlicenses', [a.product.id, 1])).body).toHaveLength(1)
    const lic = await s.runtime.services.licenses.get({ kind: 'console' }, b.license.id)
    expect(lic.status).toBe('active')
  })

  it('a user account’s credential sees only that account’s products', async () => {
    const user = await userAccount(s, await fresh())
    const own = await productWithLicense(s, user.id)
    const other = await productWithLicense(s)
    const { client: c } = await developer(s, user.token, {}, clock)
    await c.createSession()
    expect(ret(await c.call('getlicense', [own.key]))).toBeNull()
    expect(ret(await c.call('getlicense', [other.key]))).toBe('License not found')
    // Nor can it scope itself to another account's product.
    const r = await api(s, user.token).post('/api/hirez/developers', {
      name: 'x',
      product_ids: [other.product.id],
    })
    expect(r.status).toBe(404)
    expect(r.body).toEqual({
      success: false,
      error_code: 'PRODUCT_NOT_FOUND',
      message: 'Product not found',
    })
  })
})

describe('management routes', () => {
  it('create answers dev_id and auth_key once; list never shows the key', async () => {
    const r = await api(s, await fresh()).post('/api/hirez/developers', {
      name: 'Reseller',
      limits: { concurrent_sessions: 5, license_allotment: 100 },
    })
    expect(r.status).toBe(201)
    const d = r.body.data
    expect(d.dev_id).toBeGreaterThanOrEqual(1000)
    expect(d.dev_id).toBeLessThanOrEqual(9999)
    expect(d.auth_key).toMatch(/^[0-9A-F]{32}$/)
    expect(d.limits).toEqual({
      concurrent_sessions: 5,
      daily_sessions: 500,
      session_minutes: 15,
      daily_requests: 7500,
      license_allotment: 100,
    })
    const list = await api(s, await fresh()).get('/api/hirez/developers')
    expect(list.status).toBe(200)
    const listed = list.body.data.find((x: { dev_id: number }) => x.dev_id === d.dev_id)
    expect(listed).toMatchObject({ name: 'Reseller', revoked_at: null })
    expect(listed.auth_key).toBeUndefined()
    expect(JSON.stringify(list.body)).not.toContain(d.auth_key)
    // Sealed at rest: the database holds no clear key.
    const row = await s.runtime.services.ctx.db
      .selectFrom('hirez_developers')
      .select('auth_key_sealed')
      .where('dev_id', '=', d.dev_id)
      .executeTakeFirstOrThrow()
    expect(row.auth_key_sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(row.auth_key_sealed).not.toContain(d.auth_key)
    expect(row.auth_key_sealed.toUpperCase()).not.toContain(d.auth_key)
  })

  it('refuses bad input, unknown ids, other accounts’ credentials and non-admin keys', async () => {
    const bad = await api(s, await fresh()).post('/api/hirez/developers', {
      name: '',
      limits: { session_minutes: 0 },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error_code).toBe('VALIDATION_ERROR')
    expect((await api(s, await fresh()).del('/api/hirez/developers/999')).status).toBe(400)
    // A dev_id no credential holds (ids are random: pick one the list does not have).
    const taken = new Set(
      (await api(s, await fresh()).get('/api/hirez/developers')).body.data.map(
        (x: { dev_id: number }) => x.dev_id,
      ),
    )
    const free = [9999, 9998, 9997, 9996].find((id) => !taken.has(id))
    const missing = await api(s, await fresh()).del(`/api/hirez/developers/${free}`)
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({
      success: false,
      error_code: 'NOT_FOUND',
      message: 'Developer credential not found',
    })
    const mine = (await developer(s, await fresh())).dto
    const user = await userAccount(s, await fresh())
    const theirs = await api(s, user.token).del(`/api/hirez/developers/${mine.dev_id}`)
    expect(theirs.status).toBe(404)
    expect((await api(s, user.token).get('/api/hirez/developers')).body.data).toEqual([])
    const reader = await createKey(s, await fresh(), { name: 'reader', scopes: ['licenses:read'] })
    const refused = await s.json('/api/hirez/developers', { headers: { 'x-api-key': reader.key } })
    expect(refused.status).toBe(403)
    expect(refused.body.message).toBe('This API key lacks the admin scope')
  })
})
