import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, email, firstAdmin, PASSWORD, setupHeader } from '../helpers/mgmt'
import { signAccessToken } from '../../src/main/crypto/jwt'
import { JWT_SECRET } from '../../src/main/services/accounts'

describe('management API: accounts and JWT auth', () => {
  let s: TestServer
  let admin: { token: string; id: string; email: string }
  beforeAll(async () => {
    s = await startTestServer()
  })
  afterAll(() => s.stop())

  it('refuses /api/auth/me without a token, and with a garbage token', async () => {
    const none = await api(s).get('/api/auth/me')
    expect(none.status).toBe(401)
    expect(none.body).toMatchObject({ success: false, error_code: 'UNAUTHORIZED' })
    const bad = await api(s, 'not.a.jwt').get('/api/auth/me')
    expect(bad.status).toBe(401)
    expect(bad.body.error_code).toBe('UNAUTHORIZED')
  })

  it('registers the first account from loopback as admin, with a working token', async () => {
    admin = await firstAdmin(s)
    const me = await api(s, admin.token).get('/api/auth/me')
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({
      success: true,
      data: { id: admin.id, email: admin.email, role: 'admin' },
    })
    expect(me.body.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(me.body.data).not.toHaveProperty('password_hash')
  })

  // Issue 11.6: the secrets are stored sealed under master.key (no longer in clear).
  it('gives every account 48-char SellRealm secrets, stored sealed with their SHA-256', async () => {
    const row = await s.runtime.store.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow()
    expect(row.auth_secret).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(row.store_secret).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/)
    const pair = await s.runtime.services.store.secrets.get({
      kind: 'account',
      accountId: admin.id,
      role: 'admin',
    })
    expect(pair.auth_secret).toMatch(/^[A-Za-z0-9]{48}$/)
    expect(pair.store_secret).toMatch(/^[A-Za-z0-9]{48}$/)
    expect(pair.auth_secret).not.toBe(pair.store_secret)
    expect(row.password_hash).toMatch(/^scrypt\$/)
    expect((await s.runtime.services.accounts.byAuthSecret(pair.auth_secret))?.id).toBe(admin.id)
    // One character changed (a fixed 'x' left the secret as it was when it ended in 'x': 1 in 62).
    const wrong = pair.auth_secret.slice(0, -1) + (pair.auth_secret.endsWith('x') ? 'y' : 'x')
    expect(await s.runtime.services.accounts.byAuthSecret(wrong)).toBeNull()
  })

  it('closes registration once an account exists, until an admin opens it', async () => {
    const closed = await s.json('/api/auth/register', {
      body: { email: email(), password: PASSWORD },
    })
    expect(closed.status).toBe(403)
    expect(closed.body).toMatchObject({ success: false, error_code: 'FORBIDDEN' })
    expect(closed.body.message).toMatch(/closed/i)

    await s.runtime.services.settings.update({ kind: 'console' }, { registration_open: true })
    const e = email()
    const open = await s.json('/api/auth/register', {
      body: { email: e, password: PASSWORD, display_name: 'Jo' },
    })
    expect(open.status).toBe(201)
    expect(open.body.data.user).toMatchObject({ email: e, display_name: 'Jo', role: 'user' })

    const dup = await s.json('/api/auth/register', {
      body: { email: e.toUpperCase(), password: PASSWORD },
    })
    expect(dup.status).toBe(409)
    expect(dup.body.error_code).toBe('CONFLICT')
    await s.runtime.services.settings.update({ kind: 'console' }, { registration_open: false })
  })

  it('logs in with the right password only, with the same answer for an unknown email', async () => {
    const good = await s.json('/api/auth/login', {
      body: { email: admin.email, password: PASSWORD },
    })
    expect(good.status).toBe(200)
    expect(good.body.data.token.split('.')).toHaveLength(3)
    expect(good.body.data.user).toMatchObject({ id: admin.id, role: 'admin' })

    const wrong = await s.json('/api/auth/login', {
      body: { email: admin.email, password: 'nope nope nope' },
    })
    const unknown = await s.json('/api/auth/login', {
      body: { email: 'ghost@example.com', password: PASSWORD },
    })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(unknown.body).toEqual(wrong.body)
    expect(wrong.body).toEqual({
      success: false,
      message: 'Invalid email or password',
      error_code: 'UNAUTHORIZED',
    })
  })

  it('refreshes a token, and refuses to refresh garbage', async () => {
    const r = await api(s, admin.token).post('/api/auth/refresh')
    expect(r.status).toBe(200)
    expect(r.body.data.token).not.toBe(admin.token)
    expect((await api(s, r.body.data.token).get('/api/auth/me')).status).toBe(200)
    const viaBody = await s.json('/api/auth/refresh', { body: { token: admin.token } })
    expect(viaBody.status).toBe(200)
    const bad = await api(s, 'x.y.z').post('/api/auth/refresh')
    expect(bad.status).toBe(401)
  })

  it('refuses an expired token, but lets refresh exchange it within the grace period', async () => {
    const secret = await s.runtime.services.settings.secret(JWT_SECRET)
    const past = new Date(Date.now() - 2 * 3600_000)
    const expired = await signAccessToken(
      secret,
      { sub: admin.id, ver: 0, auth_time: Math.floor(past.getTime() / 1000) },
      { now: past, ttlSeconds: 60 },
    )
    const me = await api(s, expired).get('/api/auth/me')
    expect(me.status).toBe(401)
    expect(me.body).toMatchObject({ error_code: 'UNAUTHORIZED', message: 'Token expired' })

    const refreshed = await api(s, expired).post('/api/auth/refresh')
    expect(refreshed.status).toBe(200)
    expect((await api(s, refreshed.body.data.token).get('/api/auth/me')).status).toBe(200)

    // A login older than the refresh window must log in again.
    const ancient = new Date(Date.now() - 40 * 86_400_000)
    const old = await signAccessToken(
      secret,
      { sub: admin.id, ver: 0, auth_time: Math.floor(ancient.getTime() / 1000) },
      { now: new Date(Date.now() - 3600_000), ttlSeconds: 60 },
    )
    expect((await api(s, old).post('/api/auth/refresh')).status).toBe(401)
  })

  it('refuses tokens signed with another key or with alg none', async () => {
    const forged = await new SignJWT({ ver: 0, auth_time: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin.id)
      .setIssuer('keywarden')
      .setAudience('keywarden:management')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('some other installation secret, 32+ bytes long'))
    expect((await api(s, forged).get('/api/auth/me')).status).toBe(401)
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: admin.id, ver: 0, iss: 'keywarden', aud: 'keywarden:management', exp: 9e9, iat: 1 })}.`
    expect((await api(s, none).get('/api/auth/me')).status).toBe(401)
  })

  it('stops every token of a deactivated account, and refuses its login', async () => {
    await s.runtime.services.settings.update({ kind: 'console' }, { registration_open: true })
    const e = email()
    const reg = await s.json('/api/auth/register', { body: { email: e, password: PASSWORD } })
    const token = reg.body.data.token
    expect((await api(s, token).get('/api/auth/me')).status).toBe(200)
    await s.runtime.services.accounts.update({ kind: 'console' }, reg.body.data.user.id, {
      is_active: false,
    })
    const me = await api(s, token).get('/api/auth/me')
    expect(me.status).toBe(401)
    expect((await api(s, token).post('/api/auth/refresh')).status).toBe(401)
    const login = await s.json('/api/auth/login', { body: { email: e, password: PASSWORD } })
    expect(login.status).toBe(403)
    // Reactivated, the old token stays dead; a new login works.
    await s.runtime.services.accounts.update({ kind: 'console' }, reg.body.data.user.id, {
      is_active: true,
    })
    expect((await api(s, token).get('/api/auth/me')).status).toBe(401)
    expect(
      (await s.json('/api/auth/login', { body: { email: e, password: PASSWORD } })).status,
    ).toBe(200)
    await s.runtime.services.settings.update({ kind: 'console' }, { registration_open: false })
  })

  it('changes the password: the old password and every older token stop working', async () => {
    await s.runtime.services.settings.update({ kind: 'console' }, { registration_open: true })
    const e = email()
    const reg = await s.json('/api/auth/register', { body: { email: e, password: PASSWORD } })
    await s.runtime.services.settings.update({ kind: 'console' }, { registration_open: false })
    const old = reg.body.data.token
    const wrong = await api(s, old).put('/api/auth/password', {
      current_password: 'not it at all',
      new_password: 'brand new password',
    })
    expect(wrong.status).toBe(401)
    const short = await api(s, old).put('/api/auth/password', {
      current_password: PASSWORD,
      new_password: 'short',
    })
    expect(short.status).toBe(400)
    expect(short.body.message).toContain('body.new_password')
    const r = await api(s, old).put('/api/auth/password', {
      current_password: PASSWORD,
      new_password: 'brand new password',
    })
    expect(r.status).toBe(200)
    expect((await api(s, old).get('/api/auth/me')).status).toBe(401)
    expect((await api(s, r.body.data.token).get('/api/auth/me')).status).toBe(200)
    expect(
      (await s.json('/api/auth/login', { body: { email: e, password: PASSWORD } })).status,
    ).toBe(401)
    expect(
      (await s.json('/api/auth/login', { body: { email: e, password: 'brand new password' } }))
        .status,
    ).toBe(200)
  })

  it('answers bad register/login input with VALIDATION_ERROR naming the field', async () => {
    const noEmail = await s.json('/api/auth/login', { body: { password: 'x' } })
    expect(noEmail.status).toBe(400)
    expect(noEmail.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
    expect(noEmail.body.message).toContain('body.email')
    const wrongType = await s.json('/api/auth/register', {
      body: { email: 'a@b.co', password: 12345678 },
    })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.message).toContain('body.password')
    const short = await s.json('/api/auth/register', {
      body: { email: 'a@b.co', password: 'short' },
    })
    expect(short.body.message).toMatch(/body\.password: Password must be at least 8/)
    const malformed = await s.json('/api/auth/login', { body: '{"email": "a@b.co", ' })
    expect(malformed.status).toBe(400)
    expect(malformed.body).toEqual({
      success: false,
      message: 'Malformed JSON body',
      error_code: 'VALIDATION_ERROR',
    })
    const huge = await s.json('/api/auth/login', {
      body: { email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024) },
    })
    expect(huge.status).toBe(413)
    expect(huge.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
    expect(JSON.stringify(huge.body)).not.toMatch(/at .*\.js/)
  })
})

describe('management API: the first account', () => {
  // Issue 11: a bare loopback request (any web page, any local proxy) no longer creates it.
  it('needs the setup token in X-Setup-Token, even from this machine', async () => {
    const s = await startTestServer()
    try {
      const body = { email: 'first@example.com', password: PASSWORD }
      const bare = await s.json('/api/auth/register', { body })
      expect(bare.status).toBe(403)
      expect(bare.body).toMatchObject({
        success: false,
        error_code: 'FORBIDDEN',
        message: expect.stringMatching(/X-Setup-Token/),
      })
      const wrong = await s.json('/api/auth/register', {
        body,
        headers: { 'x-setup-token': 'not-the-token' },
      })
      expect(wrong.status).toBe(403)
      expect(wrong.body.message).toMatch(/Wrong setup token/)
      expect(await s.runtime.services.accounts.isEmpty()).toBe(true)
      const right = await s.json('/api/auth/register', { body, headers: setupHeader(s) })
      expect(right.status).toBe(201)
      expect(right.body.data.user.role).toBe('admin')
    } finally {
      await s.stop()
    }
  })
})

describe('management API: first-account race and token lifetime', () => {
  it('lets exactly one of four simultaneous first registrations become admin', async () => {
    const s = await startTestServer()
    try {
      // Four at once: without the registration lock, PostgreSQL's READ COMMITTED lets several
      // count zero accounts and all become admin.
      const answers = await Promise.all(
        ['one', 'two', 'three', 'four'].map((n) =>
          s.json('/api/auth/register', {
            body: { email: `${n}@example.com`, password: PASSWORD },
            headers: setupHeader(s),
          }),
        ),
      )
      expect(answers.map((a) => a.status).sort()).toEqual([201, 403, 403, 403])
      const list = await s.runtime.services.accounts.list({ kind: 'console' })
      expect(list).toHaveLength(1)
      expect(list[0].role).toBe('admin')
    } finally {
      await s.stop()
    }
  })

  it('issues tokens valid for access_token_ttl_minutes', async () => {
    const s = await startTestServer()
    try {
      const admin = await firstAdmin(s)
      const claims = (t: string) =>
        JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()) as {
          iat: number
          exp: number
        }
      const def = claims(admin.token)
      expect(def.exp - def.iat).toBe(24 * 3600)
      await api(s, admin.token).put('/api/admin/settings', { access_token_ttl_minutes: 15 })
      const login = await s.json('/api/auth/login', {
        body: { email: admin.email, password: PASSWORD },
      })
      const c = claims(login.body.data.token)
      expect(c.exp - c.iat).toBe(15 * 60)
    } finally {
      await s.stop()
    }
  })
})

describe('management API: rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the configured limit', async () => {
    const s = await startTestServer()
    try {
      await s.runtime.services.settings.update(
        { kind: 'console' },
        { api_rate_limit_per_minute: 3 },
      )
      const codes: number[] = []
      for (let i = 0; i < 4; i++) codes.push((await api(s).get('/api/auth/me')).status)
      expect(codes).toEqual([401, 401, 401, 429])
      const r = await api(s).get('/api/auth/me')
      expect(r.status).toBe(429)
      expect(r.body).toMatchObject({ success: false, error_code: 'RATE_LIMITED' })
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    } finally {
      await s.stop()
    }
  })
})

describe('web console: email/password login', () => {
  it('logs an account in to the headless console', async () => {
    const s = await startTestServer({ console: { setupToken: 'setup-token-abcdef-123' } })
    try {
      const admin = await firstAdmin(s)
      const bad = await s.json('/console/login', {
        body: { email: admin.email, password: 'wrong password' },
      })
      expect(bad.status).toBe(401)
      const good = await s.json('/console/login', {
        body: { email: admin.email, password: PASSWORD },
      })
      expect(good.status).toBe(200)
      expect(good.body.data.csrf).toBeTruthy()
    } finally {
      await s.stop()
    }
  })
})
