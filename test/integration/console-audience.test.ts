import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANNELS, contract } from '@shared/contract'
import {
  loginConsoleAs,
  startTestServer,
  type ConsoleRpc,
  type TestServer,
} from '../helpers/server'
import { PASSWORD, email, firstAdmin, userAccount } from '../helpers/mgmt'

/**
 * Who may call what on the web console, with two accounts logged in over real HTTP: an admin
 * and a `user`. Installation channels refuse the user (403 FORBIDDEN, nothing changes); the
 * dashboard, the event feed and the live stream show the user only its own products' data.
 */
let s: TestServer
let asAdmin: ConsoleRpc
let asUser: ConsoleRpc
let adminCookie: string
let userCookie: string
let userId: string

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RPC answers are checked by the assertions
async function ok<T = any>(rpc: ConsoleRpc, channel: string, input: unknown = {}): Promise<T> {
  const r = await rpc(channel, input)
  expect(r.body, `${channel}: ${JSON.stringify(r.body).slice(0, 300)}`).toMatchObject({ ok: true })
  return r.body.data as T
}

beforeAll(async () => {
  s = await startTestServer({ console: { setupToken: 'console-audience-token' } })
  const admin = await firstAdmin(s)
  const user = await userAccount(s, admin.token)
  userId = user.id
  ;({ rpc: asAdmin, cookie: adminCookie } = await loginConsoleAs(s, admin.email, PASSWORD))
  ;({ rpc: asUser, cookie: userCookie } = await loginConsoleAs(s, user.email, PASSWORD))
})
afterAll(() => s.stop())

/** What an installation channel could change, as the admin reads it. */
async function installationState() {
  const status = await ok(asAdmin, 'server.status')
  return {
    server: { host: status.host, port: status.port, url: status.url },
    backups: (await ok(asAdmin, 'system.backups')).map((b: { name: string }) => b.name),
    settings: await ok(asAdmin, 'settings.get'),
    accounts: (await ok(asAdmin, 'accounts.list')).map((a: { email: string; role: string }) => [
      a.email,
      a.role,
    ]),
    products: (await ok(asAdmin, 'products.list')).map((p: { name: string }) => p.name),
    blacklist: (await ok(asAdmin, 'security.blacklist', {})).items.map(
      (e: { value: string; is_active: boolean }) => [e.value, e.is_active],
    ),
    thresholds: await ok(asAdmin, 'security.settings'),
    sellrealm: await ok(asAdmin, 'sellrealm.config'),
  }
}

describe('installation channels refuse a user account', () => {
  it('answers 403 FORBIDDEN on every admin channel, and nothing changes', async () => {
    // A backup to restore, then a product made after it: a restore would take it away.
    const backup = await ok(asAdmin, 'system.backup')
    await ok(asAdmin, 'products.create', { name: 'Made after the backup' })
    const entry = await ok(asAdmin, 'security.blacklistAdd', { type: 'ip', value: '198.51.100.4' })

    const table: Record<string, unknown> = {
      'system.info': {},
      'system.listen': { host: '0.0.0.0', port: 0 },
      'system.desktop': {},
      'system.setDesktop': { notify_critical: true },
      'system.openLogFolder': {},
      'system.backups': {},
      'system.integrityCheck': {},
      'system.backup': {},
      'system.restore': { name: backup.name },
      'system.backupSchedule': {},
      'system.setBackupSchedule': {
        enabled: true,
        interval_minutes: 60,
        retention: 2,
        folder: null,
      },
      'settings.get': {},
      'settings.update': { registration_open: true },
      'accounts.list': {},
      'accounts.create': { email: email('invited'), password: PASSWORD, role: 'admin' },
      'accounts.update': { id: userId, patch: { role: 'admin' } },
      'transfer.export': { kind: 'licenses', format: 'json' },
      'transfer.import': {
        kind: 'products',
        format: 'json',
        content: JSON.stringify([{ name: 'Imported by a user' }]),
        dryRun: false,
      },
      'security.blacklist': {},
      'security.blacklistAdd': { type: 'ip', value: '203.0.113.7' },
      'security.blacklistRemove': { id: entry.id },
      'security.blacklistSetActive': { id: entry.id, is_active: false },
      'security.blockIp': { ip: '203.0.113.9' },
      'security.blockHwid': { hwid: 'hw-blocked-by-user' },
      'security.incidents': {},
      'security.allowSource': { type: 'ip', value: '203.0.113.11' },
      'security.settings': {},
      'security.updateSettings': { brute_force: { max_failures: 99 } },
      'sellrealm.updateConfig': { rate_limit_per_minute: 5 },
    }
    // The table is every channel the contract declares for admins, no more, no less.
    expect(Object.keys(table).sort()).toEqual(
      CHANNELS.filter((c) => contract[c].audience === 'admin').sort(),
    )

    const before = await installationState()
    for (const [channel, input] of Object.entries(table)) {
      const r = await asUser(channel, input)
      expect({ channel, status: r.status, body: r.body }).toEqual({
        channel,
        status: 403,
        body: {
          ok: false,
          error: { code: 'FORBIDDEN', message: `${channel} is for admins of this installation` },
        },
      })
    }
    expect(await installationState()).toEqual(before)
    expect((await ok(asUser, 'accounts.whoami')).account).toMatchObject({ role: 'user' })
  })

  it('still serves the user its own channels (owner-scoped and session ones)', async () => {
    const table: Record<string, unknown> = {
      'server.status': {},
      'accounts.whoami': {},
      'sellrealm.config': {},
      'products.list': {},
      'licenses.list': {},
      'apiKeys.list': {},
      'webhooks.list': {},
      'security.stats': {},
      'security.events': {},
      'store.orders.list': {},
      'notifications.unreadCount': {},
      'account.secrets': {},
    }
    for (const [channel, input] of Object.entries(table)) {
      const r = await asUser(channel, input)
      expect({ channel, status: r.status, ok: r.body.ok }).toEqual({
        channel,
        status: 200,
        ok: true,
      })
    }
  })
})

interface StreamedEvent {
  type: string
  product_id: string | null
  license_id: string | null
}

/** The console's live stream (SSE) for a session, read event by event. */
async function openStream(cookie: string) {
  const abort = new AbortController()
  const res = await fetch(`${s.url}/console/events`, { headers: { cookie }, signal: abort.signal })
  expect(res.status).toBe(200)
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const events: StreamedEvent[] = []
  let buffer = ''
  return {
    /** Reads until an event matching `done` arrives; returns every event received so far. */
    async until(done: (e: StreamedEvent) => boolean): Promise<StreamedEvent[]> {
      for (;;) {
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = block.split('\n').find((l) => l.startsWith('data: '))
          if (block.startsWith('event: events.new') && data) events.push(JSON.parse(data.slice(6)))
        }
        if (events.some(done)) return events
        const { value, done: closed } = await reader.read()
        if (closed) throw new Error('stream closed')
        buffer += decoder.decode(value, { stream: true })
      }
    },
    close: () => abort.abort(),
  }
}

describe('a user sees only its own products on the dashboard, the feed and the live stream', () => {
  it('scopes dashboard.summary, events.recent and /console/events by owner; the admin sees all', async () => {
    const mine = await ok(asUser, 'products.create', { name: 'User App' })
    const myKey = await ok(asUser, 'licenses.create', { product_id: mine.id })
    const theirs = await ok(asAdmin, 'products.create', { name: 'Admin App' })
    const theirKey = await ok(asAdmin, 'licenses.create', { product_id: theirs.id })
    const client = (op: string, product: string, key: string, hwid: string) =>
      s.json(`/api/client/${op}`, { body: { license_key: key, product_id: product, hwid } })
    expect((await client('activate', theirs.id, theirKey.license_key, 'hw-admin')).status).toBe(200)
    expect((await client('activate', mine.id, myKey.license_key, 'hw-user')).status).toBe(200)

    const userDash = await ok(asUser, 'dashboard.summary')
    expect(userDash.totals).toMatchObject({ products: 1, licenses: 1, active: 1 })
    expect(userDash.activations.today).toBe(1)
    const adminDash = await ok(asAdmin, 'dashboard.summary')
    expect(adminDash.totals.products).toBe(3) // User App, Admin App, and the first test's
    expect(adminDash.totals.licenses).toBe(2)
    expect(adminDash.activations.today).toBe(2)

    const userFeed: StreamedEvent[] = await ok(asUser, 'events.recent', { limit: 200 })
    expect(userFeed.map((e) => e.product_id)).toEqual(userFeed.map(() => mine.id))
    expect(userFeed).toContainEqual(
      expect.objectContaining({ type: 'license_activation', license_id: myKey.id }),
    )
    const adminFeed: StreamedEvent[] = await ok(asAdmin, 'events.recent', { limit: 200 })
    const activated = adminFeed.filter((e) => e.type === 'license_activation')
    expect(activated.map((e) => e.product_id).sort()).toEqual([mine.id, theirs.id].sort())

    // Live: the admin's product validates first, then the user's. The user's stream receives
    // its own event, and nothing before it; the admin's receives both.
    const userStream = await openStream(userCookie)
    const adminStream = await openStream(adminCookie)
    try {
      expect((await client('validate', theirs.id, theirKey.license_key, 'hw-admin')).status).toBe(
        200,
      )
      expect((await client('validate', mine.id, myKey.license_key, 'hw-user')).status).toBe(200)
      const isMyValidation = (e: StreamedEvent) =>
        e.type === 'license_validation' && e.license_id === myKey.id
      const userGot = await userStream.until(isMyValidation)
      expect(userGot.map((e) => e.product_id)).toEqual(userGot.map(() => mine.id))
      const adminGot = await adminStream.until(isMyValidation)
      expect(
        adminGot.filter((e) => e.type === 'license_validation').map((e) => e.license_id),
      ).toEqual([theirKey.id, myKey.id])
    } finally {
      userStream.close()
      adminStream.close()
    }
  })
})
