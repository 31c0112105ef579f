import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginConsole, startTestServer, type TestServer } from '../helpers/server'
import { api, email, firstAdmin, PASSWORD, userAccount } from '../helpers/mgmt'

describe('management API: stats, notifications, admin', () => {
  let s: TestServer
  let admin: { token: string; id: string }
  let user: { token: string; id: string; email: string }
  let adminProduct: string
  let userProduct: string
  const A = () => api(s, admin.token)
  const U = () => api(s, user.token)

  async function activate(productId: string, hwid: string) {
    const lic = await api(s, admin.token).post('/api/licenses', { product_id: productId })
    const r = await s.json('/api/client/activate', {
      body: { license_key: lic.body.data.license_key, hwid, product_id: productId },
    })
    expect(r.status).toBe(200)
    return lic.body.data.id as string
  }

  beforeAll(async () => {
    s = await startTestServer()
    admin = await firstAdmin(s)
    user = await userAccount(s, admin.token)
    adminProduct = (await A().post('/api/products', { name: 'Admin App' })).body.data.id
    userProduct = (await U().post('/api/products', { name: 'User App' })).body.data.id
  })
  afterAll(() => s.stop())

  it('counts the dashboard per account: a user sees only their own products', async () => {
    await activate(adminProduct, 'hw-a1')
    await activate(adminProduct, 'hw-a2')
    await activate(userProduct, 'hw-u1')
    await A().post('/api/licenses', { product_id: userProduct, expires_at: '2000-01-01T00:00:00Z' })

    const all = await A().get('/api/stats/dashboard')
    expect(all.status).toBe(200)
    expect(all.body.data).toMatchObject({
      total_products: 2,
      total_licenses: 4,
      active_licenses: 3,
      total_activations: 3,
    })
    expect(all.body.data.recent_activity.length).toBeGreaterThan(0)
    expect(all.body.data.recent_activity[0]).toHaveProperty('action')

    const mine = await U().get('/api/stats/dashboard')
    expect(mine.body.data).toMatchObject({
      total_products: 1,
      total_licenses: 2,
      active_licenses: 1,
      total_activations: 1,
    })
    for (const e of mine.body.data.recent_activity) expect(e.product_id).toBe(userProduct)
  })

  it('gives per-product stats with activations today, this week and this month', async () => {
    const r = await A().get(`/api/stats/products/${adminProduct}`)
    expect(r.status).toBe(200)
    expect(r.body.data).toEqual({
      total_licenses: 2,
      active_licenses: 2,
      expired_licenses: 0,
      suspended_licenses: 0,
      activations_today: 2,
      activations_this_week: 2,
      activations_this_month: 2,
    })
    const u = await A().get(`/api/stats/products/${userProduct}`)
    expect(u.body.data).toMatchObject({
      total_licenses: 2,
      active_licenses: 1,
      expired_licenses: 1,
      activations_today: 1,
    })
    const denied = await U().get(`/api/stats/products/${adminProduct}`)
    expect(denied.status).toBe(404)
    expect(denied.body.error_code).toBe('PRODUCT_NOT_FOUND')
    expect((await api(s).get('/api/stats/dashboard')).status).toBe(401)
  })

  it('lists, counts and marks notifications, each account only its own', async () => {
    const n = s.runtime.services.notifications
    await n.notify({
      accountId: user.id,
      type: 'license_expired',
      title: 'License Expired',
      message: 'License AAAA expired',
    })
    await n.notify({ accountId: user.id, type: 'info', title: 'Second', message: 'two' })
    await n.notify({ accountId: admin.id, type: 'info', title: 'For admin', message: 'admin only' })
    await n.notify({
      accountId: null,
      type: 'security_alert',
      title: 'Installation',
      message: 'global',
    })

    const list = await U().get('/api/notifications')
    expect(list.status).toBe(200)
    expect(list.body.data).toHaveLength(2)
    expect(list.body.data[1]).toMatchObject({
      type: 'license_expired',
      title: 'License Expired',
      message: 'License AAAA expired',
      is_read: false,
    })
    expect(list.body.data[0].created_at >= list.body.data[1].created_at).toBe(true)
    expect((await U().get('/api/notifications/unread-count')).body).toEqual({
      success: true,
      data: { count: 2 },
    })

    const adminList = await A().get('/api/notifications')
    expect(adminList.body.data.map((x: { title: string }) => x.title).sort()).toEqual([
      'For admin',
      'Installation',
    ])

    const otherId = adminList.body.data[0].id
    const steal = await U().put(`/api/notifications/${otherId}/read`)
    expect(steal.status).toBe(404)
    expect(steal.body.error_code).toBe('NOT_FOUND')

    const one = await U().put(`/api/notifications/${list.body.data[0].id}/read`)
    expect(one.status).toBe(200)
    expect((await U().get('/api/notifications/unread-count')).body.data.count).toBe(1)
    const all = await U().put('/api/notifications/read-all')
    expect(all.body.data).toEqual({ updated: 1 })
    expect((await U().get('/api/notifications/unread-count')).body.data.count).toBe(0)
    expect((await A().get('/api/notifications/unread-count')).body.data.count).toBe(2)
    expect((await U().get('/api/notifications?unread=true')).body.data).toEqual([])
  })

  it('raises a notification for the product owner from a high-severity security event', async () => {
    await s.runtime.services.events.record({
      type: 'hwid_spoof_attempt',
      severity: 'high',
      productId: userProduct,
      ip: '203.0.113.9',
    })
    // The bus listener writes asynchronously; poll briefly.
    let found: { type: string; message: string } | undefined
    for (let i = 0; i < 50 && !found; i++) {
      const r = await U().get('/api/notifications?unread=true')
      found = r.body.data.find((x: { type: string }) => x.type === 'security_alert')
      if (!found) await new Promise((res) => setTimeout(res, 20))
    }
    expect(found?.message).toContain('203.0.113.9')
  })

  it("tells a product's owner when one of its licenses expired", async () => {
    const lic = await U().post('/api/licenses', { product_id: userProduct })
    await s.runtime.services.events.record({
      type: 'license.expired',
      productId: userProduct,
      licenseId: lic.body.data.id,
    })
    let found: { title: string; message: string } | undefined
    for (let i = 0; i < 50 && !found; i++) {
      const r = await U().get('/api/notifications?unread=true')
      found = r.body.data.find((x: { type: string }) => x.type === 'license_expired')
      if (!found) await new Promise((res) => setTimeout(res, 20))
    }
    expect(found).toMatchObject({
      title: 'License Expired',
      message: `License ${lic.body.data.license_key} expired`,
    })
    const adminSees = await A().get('/api/notifications')
    expect(
      adminSees.body.data.some((x: { message: string }) =>
        x.message.includes(lic.body.data.license_key),
      ),
    ).toBe(false)
  })

  it('keeps /api/admin for admins: 403 for a user, 401 without a token', async () => {
    const r = await U().get('/api/admin/users')
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({ success: false, error_code: 'FORBIDDEN' })
    expect((await U().put(`/api/admin/users/${user.id}`, { role: 'admin' })).status).toBe(403)
    expect((await api(s).get('/api/admin/users')).status).toBe(401)
  })

  it('lets an admin list users, promote, and deactivate (which kills the tokens)', async () => {
    const list = await A().get('/api/admin/users')
    expect(list.status).toBe(200)
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual(
      expect.arrayContaining([admin.id, user.id]),
    )
    for (const u of list.body.data) {
      expect(u).not.toHaveProperty('password_hash')
      expect(u).not.toHaveProperty('auth_secret')
    }

    const promoted = await A().put(`/api/admin/users/${user.id}`, { role: 'admin' })
    expect(promoted.body.data).toMatchObject({ id: user.id, role: 'admin', is_active: true })
    expect((await U().get('/api/admin/users')).status).toBe(200)
    // Now an admin, the former user sees every product.
    expect((await U().get('/api/products')).body.data).toHaveLength(2)
    const demoted = await A().put(`/api/admin/users/${user.id}`, { role: 'user' })
    expect(demoted.body.data.role).toBe('user')

    const off = await A().put(`/api/admin/users/${user.id}`, { is_active: false })
    expect(off.body.data.is_active).toBe(false)
    const dead = await U().get('/api/auth/me')
    expect(dead.status).toBe(401)
    const back = await A().put(`/api/admin/users/${user.id}`, { is_active: true })
    expect(back.body.data.is_active).toBe(true)
    user.token = (
      await s.json('/api/auth/login', { body: { email: user.email, password: PASSWORD } })
    ).body.data.token
  })

  it('refuses to demote or deactivate the last active admin, and bad admin input', async () => {
    const self = await A().put(`/api/admin/users/${admin.id}`, { role: 'user' })
    expect(self.status).toBe(409)
    expect(self.body.error_code).toBe('CONFLICT')
    expect((await A().put(`/api/admin/users/${admin.id}`, { is_active: false })).status).toBe(409)
    const owner = await A().put(`/api/admin/users/${user.id}`, { role: 'owner' })
    expect(owner.status).toBe(400)
    expect(owner.body.message).toContain('body.role')
    const active = await A().put(`/api/admin/users/${user.id}`, { is_active: 'no' })
    expect(active.status).toBe(400)
    expect(active.body.message).toContain('body.is_active')
    const missing = await A().put('/api/admin/users/no-such-user', { role: 'admin' })
    expect(missing.status).toBe(404)
    expect(missing.body.error_code).toBe('NOT_FOUND')
  })

  it('opens and closes registration from admin settings', async () => {
    const get = await A().get('/api/admin/settings')
    expect(get.body.data).toMatchObject({
      registration_open: false,
      api_rate_limit_per_minute: 100,
    })
    expect(JSON.stringify(get.body.data)).not.toMatch(/secret/i)
    expect(
      (await s.json('/api/auth/register', { body: { email: email(), password: PASSWORD } })).status,
    ).toBe(403)
    const open = await A().put('/api/admin/settings', { registration_open: true })
    expect(open.body.data.registration_open).toBe(true)
    expect(
      (await s.json('/api/auth/register', { body: { email: email(), password: PASSWORD } })).status,
    ).toBe(201)
    await A().put('/api/admin/settings', { registration_open: false })
    expect(
      (await s.json('/api/auth/register', { body: { email: email(), password: PASSWORD } })).status,
    ).toBe(403)
    const bad = await A().put('/api/admin/settings', { api_rate_limit_per_minute: 0 })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('body.api_rate_limit_per_minute')
    expect((await U().put('/api/admin/settings', { registration_open: true })).status).toBe(403)
  })
})

describe('console contract: accounts and settings', () => {
  it('creates the first account from the console (admin), then users; settings round-trip', async () => {
    const token = 'console-setup-token-xyz'
    const s = await startTestServer({ console: { setupToken: token } })
    try {
      const rpc = await loginConsole(s, token)

      expect((await rpc('accounts.whoami', {})).body.data).toEqual({
        account: null,
        has_accounts: false,
      })
      const first = await rpc('accounts.create', {
        email: 'Owner@Example.com',
        password: PASSWORD,
        role: 'user',
      })
      expect(first.body.data).toMatchObject({ email: 'owner@example.com', role: 'admin' })
      // The setup token's session goes on as the first account; the token logs no one in now.
      expect((await rpc('accounts.whoami', {})).body.data).toMatchObject({
        account: { email: 'owner@example.com', role: 'admin' },
        has_accounts: true,
      })
      const again = await s.json('/console/login', { body: { token } })
      expect(again.status).toBe(401)
      const second = await rpc('accounts.create', {
        email: 'staff@example.com',
        password: PASSWORD,
      })
      expect(second.body.data.role).toBe('user')
      const dup = await rpc('accounts.create', { email: 'staff@example.com', password: PASSWORD })
      expect(dup.body.error.code).toBe('CONFLICT')
      const bad = await rpc('accounts.create', { email: 'not-an-email', password: PASSWORD })
      expect(bad.status).toBe(400)

      const list = await rpc('accounts.list', {})
      expect(list.body.data.map((a: { email: string }) => a.email)).toEqual([
        'owner@example.com',
        'staff@example.com',
      ])
      const upd = await rpc('accounts.update', {
        id: second.body.data.id,
        patch: { role: 'admin', is_active: false },
      })
      expect(upd.body.data).toMatchObject({ role: 'admin', is_active: false })

      expect((await rpc('settings.get', {})).body.data.registration_open).toBe(false)
      const set = await rpc('settings.update', {
        registration_open: true,
        access_token_ttl_minutes: 30,
      })
      expect(set.body.data).toMatchObject({ registration_open: true, access_token_ttl_minutes: 30 })
      expect(
        (
          await s.json('/api/auth/register', {
            body: { email: 'new@example.com', password: PASSWORD },
          })
        ).status,
      ).toBe(201)

      await s.runtime.services.notifications.notify({
        accountId: null,
        type: 'info',
        title: 'Hi',
        message: 'hello',
      })
      expect((await rpc('notifications.unreadCount', {})).body.data.count).toBe(1)
      const nl = await rpc('notifications.list', {})
      expect(nl.body.data.items[0].title).toBe('Hi')
      expect((await rpc('notifications.markAllRead', {})).body.data.updated).toBe(1)

      // A `user` account logged in to the console cannot administer accounts.
      const userLogin = await fetch(s.url + '/console/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'new@example.com', password: PASSWORD }),
      })
      const uc = userLogin.headers.get('set-cookie')!.split(';')[0]
      const ucsrf = ((await userLogin.json()) as { data: { csrf: string } }).data.csrf
      const denied = await s.json('/console/rpc/accounts.list', {
        body: {},
        headers: { cookie: uc, 'x-csrf-token': ucsrf },
      })
      expect(denied.body.error.code).toBe('FORBIDDEN')
      const who = await s.json('/console/rpc/accounts.whoami', {
        body: {},
        headers: { cookie: uc, 'x-csrf-token': ucsrf },
      })
      expect(who.body.data.account).toMatchObject({ email: 'new@example.com', role: 'user' })

      // Promoted, the same console session acts as an admin at once; deactivated, it is logged out.
      const newId = who.body.data.account.id
      await s.runtime.services.accounts.update({ kind: 'console' }, newId, { role: 'admin' })
      const now = await s.json('/console/rpc/accounts.list', {
        body: {},
        headers: { cookie: uc, 'x-csrf-token': ucsrf },
      })
      expect(now.body.ok).toBe(true)
      await s.runtime.services.accounts.update({ kind: 'console' }, newId, { is_active: false })
      const out = await s.json('/console/rpc/accounts.whoami', {
        body: {},
        headers: { cookie: uc, 'x-csrf-token': ucsrf },
      })
      expect(out.status).toBe(401)
      const still = await s.json('/console/rpc/accounts.whoami', {
        body: {},
        headers: { cookie: uc, 'x-csrf-token': ucsrf },
      })
      expect(still.status).toBe(401)
    } finally {
      await s.stop()
    }
  })
})
