import { onPostgres } from '../helpers/store'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * The console-only channels (dashboard, bulk actions, backups, server address, import/export)
 * over their real transport: the headless console's HTTP RPC with a logged-in session.
 */
let srv: TestServer
let headers: Record<string, string>

async function rpc(channel: string, input: unknown = {}) {
  return srv.json(`/console/rpc/${channel}`, { body: input, headers })
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RPC answers are checked by the assertions
async function ok<T = any>(channel: string, input: unknown = {}): Promise<T> {
  const r = await rpc(channel, input)
  expect(r.body, `${channel}: ${JSON.stringify(r.body).slice(0, 300)}`).toMatchObject({ ok: true })
  return r.body.data as T
}

beforeAll(async () => {
  srv = await startTestServer({ console: { setupToken: 'console-ops-token' } })
  const login = await srv.json('/console/login', { body: { token: 'console-ops-token' } })
  headers = {
    cookie: login.headers.get('set-cookie')!.split(';')[0],
    'x-csrf-token': login.body.data.csrf,
  }
})
afterAll(() => srv.stop())

describe('dashboard.summary', () => {
  it('counts licenses by status, today’s activations and 30 zero-filled days', async () => {
    const p = await ok('products.create', { name: 'Dash App' })
    const { licenses } = await ok('licenses.bulkCreate', { product_id: p.id, count: 3 })
    await ok('licenses.update', { id: licenses[0].id, patch: { status: 'suspended' } })
    await ok('licenses.create', {
      product_id: p.id,
      expires_at: new Date(Date.now() - 60_000).toISOString(),
    })
    const act = await srv.json('/api/client/activate', {
      body: { license_key: licenses[1].license_key, product_id: p.id, hwid: 'hw-dash' },
    })
    expect(act.status).toBe(200)

    const d = await ok('dashboard.summary')
    expect(d.totals).toMatchObject({
      products: 1,
      licenses: 4,
      active: 2,
      suspended: 1,
      expired: 1,
    })
    expect(d.activations.today).toBe(1)
    // One good validation, one from another machine (HWID lock), one for a key not activated.
    const v = (key: string, hwid: string) =>
      srv.json('/api/client/validate', { body: { license_key: key, product_id: p.id, hwid } })
    expect((await v(licenses[1].license_key, 'hw-dash')).status).toBe(200)
    expect((await v(licenses[1].license_key, 'hw-other')).body.error_code).toBe('HWID_MISMATCH')
    await v(licenses[2].license_key, 'hw-dash')
    const outcomes = (await ok('dashboard.summary')).outcomes as {
      outcome: string
      count: number
    }[]
    expect(outcomes).toContainEqual({ outcome: 'valid', count: expect.any(Number) })
    expect(outcomes).toContainEqual({ outcome: 'HWID_MISMATCH', count: 1 })
    expect(d.activations.last_30_days).toBe(1)
    expect(d.daily).toHaveLength(30)
    expect(d.daily.at(-1)).toMatchObject({
      date: new Date().toISOString().slice(0, 10),
      activations: 1,
    })
    expect(d.security.map((s: { severity: string }) => s.severity)).toEqual([
      'low',
      'medium',
      'high',
      'critical',
    ])
    expect(d.revenue).toEqual({ today: [], last_30_days: [] })
    // Routine notices (license.created, license.expired, ...) are not security events.
    expect(d.security.reduce((n: number, x: { count: number }) => n + x.count, 0)).toBe(0)
    await srv.runtime.services.events.record({
      type: 'brute_force',
      severity: 'high',
      ip: '203.0.113.7',
    })
    const after = await ok('dashboard.summary')
    expect(after.security).toContainEqual({ severity: 'high', count: 1 })
  })
})

describe('licenses.bulkUpdate', () => {
  it('suspends, resumes, extends and deletes many keys, reporting the ones it could not touch', async () => {
    const p = await ok('products.create', { name: 'Bulk Ops' })
    const expires = new Date(Date.now() + 10 * 86_400_000).toISOString()
    const { licenses } = await ok('licenses.bulkCreate', {
      product_id: p.id,
      count: 4,
      expires_at: expires,
    })
    const ids = licenses.map((l: { id: string }) => l.id)

    const s = await ok('licenses.bulkUpdate', { ids: [...ids, 'no-such-id'], action: 'suspend' })
    expect(s.updated).toBe(4)
    expect(s.failed).toEqual([{ id: 'no-such-id', message: 'License not found' }])
    expect((await ok('licenses.get', { id: ids[0] })).status).toBe('suspended')

    expect((await ok('licenses.bulkUpdate', { ids, action: 'resume' })).updated).toBe(4)
    expect((await ok('licenses.get', { id: ids[0] })).status).toBe('active')

    await ok('licenses.bulkUpdate', { ids: ids.slice(0, 2), action: 'extend', days: 30 })
    const extended = await ok('licenses.get', { id: ids[0] })
    expect(Date.parse(extended.expires_at) - Date.parse(expires)).toBe(30 * 86_400_000)

    const missingDays = await rpc('licenses.bulkUpdate', { ids, action: 'extend' })
    expect(missingDays.status).toBe(400)
    expect(missingDays.body.error).toMatchObject({ code: 'VALIDATION_ERROR' })
    expect(JSON.stringify(missingDays.body.error)).toContain('Say by how many days to extend')

    expect((await ok('licenses.bulkUpdate', { ids, action: 'delete' })).updated).toBe(4)
    expect((await ok('licenses.list', { product_id: p.id })).total).toBe(0)
  })
})

describe('license drawer: machines, release, ban', () => {
  it('lists bound machines with heartbeat state, releases one (ending its sessions) and bans a key', async () => {
    const p = await ok('products.create', { name: 'Drawer App' })
    const l = await ok('licenses.create', { product_id: p.id, max_uses: 2 })
    for (const hwid of ['hw-one', 'hw-two']) {
      const r = await srv.json('/api/client/activate', {
        body: { license_key: l.license_key, product_id: p.id, hwid },
      })
      expect(r.status).toBe(200)
    }
    const machines = await ok('licenses.machines', { id: l.id })
    expect(machines.map((m: { hwid: string }) => m.hwid).sort()).toEqual(['hw-one', 'hw-two'])
    expect(machines[0]).toMatchObject({
      heartbeat: expect.stringMatching(/^(live|never)$/),
      ip: '127.0.0.1',
    })
    const one = machines.find((m: { hwid: string }) => m.hwid === 'hw-one')
    const sessionsBefore = (await ok('security.sessions', { license_id: l.id, is_active: true }))
      .items.length

    const rel = await ok('licenses.releaseMachine', { id: l.id, machine_id: one.id })
    expect(rel.released).toBe(true)
    expect(
      (await ok('licenses.machines', { id: l.id })).map((m: { hwid: string }) => m.hwid),
    ).toEqual(['hw-two'])
    expect(
      (await ok('security.sessions', { license_id: l.id, is_active: true })).items.length,
    ).toBe(sessionsBefore - rel.sessions_revoked)
    expect(
      (await rpc('licenses.releaseMachine', { id: l.id, machine_id: one.id })).body.error.code,
    ).toBe('NOT_FOUND')

    const ban = await ok('licenses.ban', { id: l.id, reason: 'Shared on a forum' })
    expect(ban.banned).toBe(true)
    expect(await ok('licenses.get', { id: l.id })).toMatchObject({
      status: 'banned',
      status_reason: 'Shared on a forum',
    })
    expect(
      (await ok('security.sessions', { license_id: l.id, is_active: true })).items,
    ).toHaveLength(0)
    const refused = await srv.json('/api/client/validate', {
      body: { license_key: l.license_key, product_id: p.id, hwid: 'hw-two' },
    })
    expect(refused.body.error_code).toBe('LICENSE_BANNED')
    expect((await rpc('licenses.ban', { id: l.id, reason: 'again' })).body.error.code).toBe(
      'LICENSE_BANNED',
    )
    // The reason is optional (a blank one reads as none), but a long one is refused.
    expect((await rpc('licenses.ban', { id: l.id, reason: 'x'.repeat(501) })).status).toBe(400)
    // A bulk resume does not lift a ban.
    expect(
      (await ok('licenses.bulkUpdate', { ids: [l.id], action: 'resume' })).failed,
    ).toHaveLength(1)
  })
})

describe('licenses.list search (the Licenses screen’s search box)', () => {
  it('finds keys by key prefix, customer email, metadata and notes text, in any case', async () => {
    const p = await ok('products.create', { name: 'Search App' })
    const a = await ok('licenses.create', {
      product_id: p.id,
      customer_email: 'grace@hopper.test',
      metadata: { plan: 'Enterprise', seats: 40 },
    })
    const b = await ok('licenses.create', {
      product_id: p.id,
      notes: 'Reseller batch for Wintermute Ltd',
    })
    const keys = (q: string) =>
      ok('licenses.list', { q, product_id: p.id }).then((r) =>
        r.items.map((l: { id: string }) => l.id),
      )
    expect(await keys(a.license_key.slice(0, 9))).toEqual([a.id])
    expect(await keys(a.license_key.slice(0, 9).toLowerCase())).toEqual([a.id])
    expect(await keys('grace@hopper')).toEqual([a.id])
    expect(await keys('enterprise')).toEqual([a.id])
    expect(await keys('wintermute')).toEqual([b.id])
    expect(await keys('"seats":40')).toEqual([a.id])
    expect(await keys('nothing-like-this')).toEqual([])
    // Editing the notes re-indexes them.
    await ok('licenses.update', { id: b.id, patch: { notes: 'moved to Tessier-Ashpool' } })
    expect(await keys('wintermute')).toEqual([])
    expect(await keys('tessier')).toEqual([b.id])
    // Keys made in bulk (250: two statements of 100 and a shorter one) are all findable.
    const { licenses: bulk } = await ok('licenses.bulkCreate', {
      product_id: p.id,
      count: 250,
      metadata: { campaign: 'Straylight' },
    })
    const found = await ok('licenses.list', { q: 'straylight', product_id: p.id, limit: 500 })
    expect(found.total).toBe(250)
    expect(new Set(found.items.map((l: { id: string }) => l.id))).toEqual(
      new Set(bulk.map((l: { id: string }) => l.id)),
    )
  })

  it('finds a key once it gets metadata or notes, and no longer once they are emptied', async () => {
    // Keys with metadata {} and no notes stay out of the full-text index (nothing to find).
    const p = await ok('products.create', { name: 'Plain Keys App' })
    const c = await ok('licenses.create', { product_id: p.id })
    const { licenses: bulk } = await ok('licenses.bulkCreate', { product_id: p.id, count: 3 })
    const keys = (q: string) =>
      ok('licenses.list', { q, product_id: p.id }).then((r) =>
        r.items.map((l: { id: string }) => l.id),
      )
    expect(await keys('{}')).toHaveLength(4)
    await ok('licenses.update', { id: c.id, patch: { notes: 'Straylight copy' } })
    await ok('licenses.update', { id: c.id, patch: { metadata: { tier: 'Gold' } } })
    expect(await keys('straylight')).toEqual([c.id])
    expect(await keys('gold')).toEqual([c.id])
    await ok('licenses.update', { id: c.id, patch: { notes: '' } })
    expect(await keys('straylight')).toEqual([])
    expect(await keys('gold')).toEqual([c.id])
    await ok('licenses.update', { id: c.id, patch: { metadata: {} } })
    expect(await keys('gold')).toEqual([])
    await ok('licenses.update', { id: bulk[0].id, patch: { notes: 'Straylight again' } })
    expect(await keys('straylight')).toEqual([bulk[0].id])
    await ok('licenses.delete', { id: bulk[0].id })
    await ok('licenses.delete', { id: bulk[1].id })
    expect(await keys('straylight')).toEqual([])
    expect(await keys('{}')).toHaveLength(2)
  })
})

describe('system.* backups and the listening address', () => {
  it('backs up online, restores a backup and keeps the replaced database as a pre-restore backup', async () => {
    const b = await ok('system.backup')
    expect(b.name).toMatch(/^backup-.*\.db$/)
    expect(b.bytes).toBeGreaterThan(0)
    const later = await ok('products.create', { name: 'Made After The Backup' })

    const r = await ok('system.restore', { name: b.name })
    expect(r.previous).toMatch(/^pre-restore-.*\.db$/)
    const names = (await ok('products.list')).map((p: { name: string }) => p.name)
    expect(names).not.toContain('Made After The Backup')
    expect((await rpc('products.get', { id: later.id })).body.error.code).toBe('PRODUCT_NOT_FOUND')
    const list = (await ok('system.backups')).map((x: { name: string }) => x.name)
    expect(list).toEqual(expect.arrayContaining([b.name, r.previous]))

    // ...and the restore is itself undoable.
    await ok('system.restore', { name: r.previous })
    expect((await ok('products.get', { id: later.id })).name).toBe('Made After The Backup')
  })

  it('refuses a file that is not a Keywarden database, and unknown or unsafe backup names', async () => {
    const junk = await rpc('system.restore', {
      file: 'notes.db',
      bytesBase64: Buffer.from('hello, not sqlite').toString('base64'),
    })
    expect(junk.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'That file is not a Keywarden database backup',
    })
    expect((await rpc('system.restore', { name: 'nope.db' })).body.error.code).toBe('NOT_FOUND')
    expect((await rpc('system.restore', { name: '../keywarden.db' })).status).toBe(400)
  })

  it('reports versions and the data directory, and refuses a bad bind address', async () => {
    const info = await ok('system.info')
    expect(info).toMatchObject({
      data_dir: srv.dataDir,
      node: process.versions.node,
      electron: null,
    })
    expect(info.database).toMatch(onPostgres ? /^PostgreSQL \d+/ : /^SQLite 3\./)
    const bad = await rpc('system.listen', { host: 'everywhere', port: 80 })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION_ERROR')
  })
})

describe('transfer.* import and export', () => {
  it('exports licenses as CSV and products as JSON', async () => {
    const p = await ok('products.create', { name: 'Export Me', price_cents: 990 })
    await ok('licenses.bulkCreate', {
      product_id: p.id,
      count: 2,
      customer_email: 'x@example.com',
      metadata: { plan: 'pro' },
    })
    const csv = await ok('transfer.export', { kind: 'licenses', format: 'csv' })
    const lines = csv.content.trim().split(/\r?\n/)
    expect(lines[0]).toBe(
      'license_key,product_id,product_name,type,status,expires_at,max_uses,hwid_locked,level,customer_email,notes,metadata,policy_override,created_at',
    )
    expect(
      lines.filter((l: string) => l.includes('Export Me') && l.includes('x@example.com')),
    ).toHaveLength(2)
    expect(csv.filename).toMatch(/^keywarden-licenses-\d{4}-\d\d-\d\d\.csv$/)
    const json = await ok('transfer.export', { kind: 'products', format: 'json' })
    expect(JSON.parse(json.content)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Export Me', price_cents: 990 })]),
    )
  })

  it('dry-runs an import with per-row errors, then imports only the good rows', async () => {
    await ok('products.create', { name: 'Import Target' })
    const csv = [
      'product_name,type,expires_at,max_uses,customer_email,metadata',
      'Import Target,lifetime,,2,a@example.com,{"plan":"team"}',
      'Nope Product,trial,,1,,',
      'Import Target,forever,,1,,',
      'Import Target,trial,not-a-date,1,,',
      'Import Target,subscription,2030-01-01T00:00:00Z,1,,{bad json',
    ].join('\n')
    const dry = await ok('transfer.import', {
      kind: 'licenses',
      format: 'csv',
      content: csv,
      dryRun: true,
    })
    expect(dry).toMatchObject({ dry_run: true, total: 5, created: 0, errors: 4 })
    expect(dry.rows.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, false, false, false])
    expect(dry.rows[1].error).toBe('No product with that product_id or product_name')
    expect(dry.rows[2].error).toMatch(/^type:/)
    expect(dry.rows[3].error).toBe('expires_at: not a date')
    expect(dry.rows[4].error).toMatch(/^metadata:/)
    const before = (await ok('licenses.list', { q: 'a@example.com' })).total

    const real = await ok('transfer.import', {
      kind: 'licenses',
      format: 'csv',
      content: csv,
      dryRun: false,
    })
    expect(real).toMatchObject({ dry_run: false, created: 1, errors: 4 })
    const found = await ok('licenses.list', { q: 'a@example.com' })
    expect(found.total).toBe(before + 1)
    expect(found.items[0]).toMatchObject({
      type: 'lifetime',
      max_uses: 2,
      metadata: { plan: 'team' },
    })
  })

  it("carries a license's own seat policy through export and import", async () => {
    const p = await ok('products.create', { name: 'Policy Trip' })
    const override = { mode: 'floating', seats: 3, grace_seconds: 3600 }
    const made = await ok('licenses.create', { product_id: p.id, policy: override, notes: 'trip' })
    expect(made.policy_override).toEqual(override)
    const json = await ok('transfer.export', { kind: 'licenses', format: 'json' })
    const row = JSON.parse(json.content).find(
      (r: { license_key: string }) => r.license_key === made.license_key,
    )
    expect(row.policy_override).toEqual(override)
    const csv = await ok('transfer.export', { kind: 'licenses', format: 'csv' })
    const line = csv.content.split(/\r?\n/).find((l: string) => l.startsWith(made.license_key))
    const imported = await ok('transfer.import', {
      kind: 'licenses',
      format: 'csv',
      content: [csv.content.split(/\r?\n/)[0], line].join('\n'),
      dryRun: false,
    })
    expect(imported).toMatchObject({ created: 1, errors: 0 })
    const copy = (await ok('licenses.list', { q: 'trip', product_id: p.id })).items.find(
      (l: { license_key: string }) => l.license_key !== made.license_key,
    )
    expect(copy.policy_override).toEqual(override)
    expect(copy.policy).toMatchObject({ mode: 'floating', seats: 3, grace_seconds: 3600 })
  })

  it('defuses formula cells in a CSV export and restores them on import', async () => {
    const p = await ok('products.create', { name: '=HYPERLINK("http://evil.example","Pro")' })
    await ok('licenses.create', { product_id: p.id, notes: '@SUM(1+1)' })
    const csv = await ok('transfer.export', { kind: 'licenses', format: 'csv' })
    const row = csv.content.split(/\r?\n/).find((l: string) => l.includes('evil.example'))
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""Pro"")"`)
    expect(row).toContain(`'@SUM(1+1)`)
    const products = await ok('transfer.export', { kind: 'products', format: 'csv' })
    const again = await ok('transfer.import', {
      kind: 'products',
      format: 'csv',
      content: products.content,
      dryRun: true,
    })
    // Read back as the original name: it is the existing product, not a new "'=..." one.
    expect(again.rows).toContainEqual(
      expect.objectContaining({
        ok: false,
        error: 'A product named “=HYPERLINK("http://evil.example","Pro")” already exists',
      }),
    )
  })

  it('says what is wrong with a file it cannot read', async () => {
    const r = await rpc('transfer.import', {
      kind: 'products',
      format: 'json',
      content: '{"name": "x"}',
      dryRun: true,
    })
    expect(r.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'The JSON file must hold an array of rows',
    })
    const empty = await rpc('transfer.import', {
      kind: 'products',
      format: 'csv',
      content: '',
      dryRun: true,
    })
    expect(empty.status).toBe(400)
  })
})

describe('system.listen (last: it moves the server)', () => {
  it('refuses a port that is taken, and the old address keeps serving', async () => {
    const squatter = createServer()
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r))
    const taken = (squatter.address() as AddressInfo).port
    try {
      const r = await rpc('system.listen', { host: '127.0.0.1', port: taken })
      expect(r.body).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
      expect(r.body.error.message).toContain(`127.0.0.1:${taken}`)
      expect(srv.runtime.status().url).toBe(srv.url)
      expect((await fetch(`${srv.url}/api/health`)).status).toBe(200)
    } finally {
      await new Promise((r) => squatter.close(r))
    }
  })

  it('restarts the server on a new port, ending open event streams; the old address stops answering', async () => {
    const old = srv.url
    // A console tab keeps its live event stream open; the restart must not wait for the tab.
    const stream = await fetch(`${old}/console/events`, { headers: { cookie: headers.cookie } })
    expect(stream.headers.get('content-type')).toBe('text/event-stream')
    const reader = stream.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected')
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true
    })()
    const moved = await ok('system.listen', { host: '127.0.0.1', port: 0 })
    // Answered once the new address listens, with the port the system picked.
    expect(moved).toMatchObject({ state: 'listening', host: '127.0.0.1' })
    expect(moved.port).toBeGreaterThan(0)
    expect(srv.runtime.status().url).toBe(`http://127.0.0.1:${moved.port}`)
    const status = srv.runtime.status()
    expect(status.up).toBe(true)
    expect((await fetch(`${status.url}/api/health`)).status).toBe(200)
    await expect
      .poll(
        () =>
          fetch(`${old}/api/health`).then(
            () => 'answers',
            () => 'gone',
          ),
        { timeout: 5000 },
      )
      .toBe('gone')
    expect(await ended).toBe(true)
  })
})
