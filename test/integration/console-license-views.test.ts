import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, firstAdmin, PASSWORD } from '../helpers/mgmt'
import {
  loginConsoleAs,
  startTestServer,
  type ConsoleRpc,
  type TestServer,
} from '../helpers/server'

/**
 * The license, edited where it is read (#18), over the console's real transport (HTTP RPC
 * with a logged-in session): drawer edits and reasons, "all N matching", the streamed export,
 * the customer page, the machines view and the expiring preset.
 */
let s: TestServer
let rpc: ConsoleRpc
let cookie: string
let token: string
let at = new Date('2026-03-01T12:00:00.000Z')

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RPC answers are checked by the assertions
async function ok<T = any>(channel: string, input: unknown = {}): Promise<T> {
  const r = await rpc(channel, input)
  expect(r.body, `${channel}: ${JSON.stringify(r.body).slice(0, 300)}`).toMatchObject({ ok: true })
  return r.body.data as T
}

async function product(name: string): Promise<string> {
  return (await ok('products.create', { name })).id
}

async function eventsOf(id: string): Promise<{ type: string; details: Record<string, unknown> }[]> {
  return (await ok('licenses.events', { id })).items
}

beforeAll(async () => {
  s = await startTestServer({ console: { setupToken: 'views-token' }, clock: () => at })
  const admin = await firstAdmin(s)
  token = admin.token
  ;({ rpc, cookie } = await loginConsoleAs(s, admin.email, PASSWORD))
})
afterAll(() => s.stop())

describe('editing in the drawer (licenses.update)', () => {
  it('gives the same license and the same events as PUT /api/licenses/:id', async () => {
    const p = await product('Edit App')
    const a = await ok('licenses.create', { product_id: p })
    const b = await ok('licenses.create', { product_id: p })
    const patch = {
      max_uses: 7,
      expires_at: '2027-01-01T00:00:00.000Z',
      customer_email: 'Buyer@Example.com',
      notes: 'Reseller batch',
      metadata: { seats: 'team' },
    }
    const viaConsole = await ok('licenses.update', { id: a.id, patch })
    const viaApi = await api(s, token).put(`/api/licenses/${b.id}`, patch)
    expect(viaApi.status).toBe(200)
    const pick = (l: Record<string, unknown>) => ({
      max_uses: l.max_uses,
      expires_at: l.expires_at,
      customer_email: l.customer_email,
      customer_id: l.customer_id,
      notes: l.notes,
      metadata: l.metadata,
    })
    expect(pick(viaConsole)).toEqual(pick(viaApi.body.data))
    expect(viaConsole.customer_email).toBe('buyer@example.com')
    const types = async (id: string) => (await eventsOf(id)).map((e) => [e.type, e.details.fields])
    expect(await types(a.id)).toEqual(await types(b.id))
    expect((await eventsOf(a.id)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['license.extended', 'license.updated']),
    )
    // A bad value is refused by the same schema on both surfaces.
    const bad = await rpc('licenses.update', { id: a.id, patch: { max_uses: 0 } })
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } })
    expect((await api(s, token).put(`/api/licenses/${a.id}`, { max_uses: 0 })).status).toBe(400)
    // The customer can be taken off again.
    expect(
      (await ok('licenses.update', { id: a.id, patch: { customer_email: null } })).customer_email,
    ).toBeNull()
  })

  it('stores the reason of a suspension and of a ban with the license and its event', async () => {
    const p = await product('Reason App')
    const l = await ok('licenses.create', { product_id: p })
    const sus = await ok('licenses.update', {
      id: l.id,
      patch: { status: 'suspended', status_reason: 'Chargeback pending' },
    })
    expect(sus).toMatchObject({ status: 'suspended', status_reason: 'Chargeback pending' })
    const e = (await eventsOf(l.id)).find((x) => x.type === 'license.suspended')!
    expect(e.details.reason).toBe('Chargeback pending')

    await ok('licenses.ban', { id: l.id, reason: 'Key posted on a forum' })
    expect(await ok('licenses.get', { id: l.id })).toMatchObject({
      status: 'banned',
      status_reason: 'Key posted on a forum',
    })
    const banned = (await eventsOf(l.id)).find((x) => x.type === 'license.banned')!
    expect(banned.details.reason).toBe('Key posted on a forum')

    // The reason is optional on both surfaces.
    const m = await ok('licenses.create', { product_id: p })
    expect((await rpc('licenses.ban', { id: m.id })).body).toMatchObject({ ok: true })
    const n = await ok('licenses.create', { product_id: p })
    const viaApi = await api(s, token).post(`/api/licenses/${n.id}/ban`, {})
    expect(viaApi.status).toBe(200)
    expect((await ok('licenses.get', { id: n.id })).status_reason).toBe('Banned')
    const withReason = await ok('licenses.create', { product_id: p })
    await api(s, token).post(`/api/licenses/${withReason.id}/ban`, { reason: 'Fraud' })
    expect((await ok('licenses.get', { id: withReason.id })).status_reason).toBe('Fraud')
  })
})

describe('select all N matching (licenses.bulkUpdateMatching)', () => {
  it('suspends every matching license beyond the page, and nothing else', async () => {
    const target = await product('Bulk Target')
    const other = await product('Bulk Other')
    await ok('licenses.bulkCreate', { product_id: target, count: 650 })
    await ok('licenses.bulkCreate', { product_id: other, count: 30 })
    const filter = { product_id: target, status: 'active' }
    const page = await ok('licenses.list', { ...filter, limit: 50 })
    expect(page.total).toBe(650)

    const tooFew = await rpc('licenses.bulkUpdateMatching', {
      filter,
      expected: 600,
      action: 'suspend',
    })
    expect(tooFew.body).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect((await ok('licenses.list', { product_id: target, status: 'suspended' })).total).toBe(0)

    const r = await ok('licenses.bulkUpdateMatching', {
      filter,
      expected: 650,
      action: 'suspend',
      reason: 'Reseller stopped paying',
    })
    expect(r).toEqual({ matched: 650, updated: 650, failed: [] })
    expect((await ok('licenses.list', { product_id: target, status: 'suspended' })).total).toBe(650)
    expect((await ok('licenses.list', { product_id: other, status: 'active' })).total).toBe(30)
    const one = (await ok('licenses.list', { product_id: target, limit: 1 })).items[0]
    expect(one.status_reason).toBe('Reseller stopped paying')
  })
})

describe('export of the filtered set (GET /console/export/licenses.{csv,json})', () => {
  it('streams every one of 5,000 licenses, with a header, as CSV and as JSON', async () => {
    const p = await product('Export App')
    const made = await ok('licenses.bulkCreate', { product_id: p, count: 5000 })
    const keys = new Set<string>(made.licenses.map((l: { license_key: string }) => l.license_key))
    await ok('licenses.bulkCreate', { product_id: await product('Not Exported'), count: 5 })

    const csv = await fetch(`${s.url}/console/export/licenses.csv?product_id=${p}`, {
      headers: { cookie },
    })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/)
    const parsed = Papa.parse<Record<string, string>>((await csv.text()).trim(), { header: true })
    expect(parsed.meta.fields).toEqual(
      expect.arrayContaining(['license_key', 'status', 'expires_at']),
    )
    expect(parsed.data).toHaveLength(5000)
    expect(new Set(parsed.data.map((r) => r.license_key))).toEqual(keys)

    const json = await fetch(`${s.url}/console/export/licenses.json?product_id=${p}`, {
      headers: { cookie },
    })
    expect(json.status).toBe(200)
    const rows = (await json.json()) as { license_key: string; product_id: string }[]
    expect(rows).toHaveLength(5000)
    expect(new Set(rows.map((r) => r.license_key))).toEqual(keys)

    const empty = await fetch(`${s.url}/console/export/licenses.csv?q=no-such-key-zz`, {
      headers: { cookie },
    })
    expect((await empty.text()).trim().split('\n')).toHaveLength(1)
  })

  it('needs a console session and a valid filter', async () => {
    expect((await fetch(`${s.url}/console/export/licenses.csv`)).status).toBe(401)
    const bad = await fetch(`${s.url}/console/export/licenses.csv?status=gone`, {
      headers: { cookie },
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_ERROR')
    const fmt = await fetch(`${s.url}/console/export/licenses.xml`, { headers: { cookie } })
    expect(fmt.status).toBe(400)
  })
})

describe('the customer page and the machines view', () => {
  it('shows a customer’s licenses, machines and orders, with notes that save', async () => {
    const p = await product('Customer App')
    const l = await ok('licenses.create', { product_id: p, customer_email: 'ada@example.com' })
    await ok('licenses.create', { product_id: p, customer_email: 'someone@example.com' })
    await ok('store.orders.create', {
      customer_email: 'ada@example.com',
      product_id: p,
      amount_cents: 900,
      currency: 'EUR',
    })
    const act = await s.json('/api/client/activate', {
      body: {
        license_key: l.license_key,
        product_id: p,
        hwid: 'hw-ada-laptop',
        client_data: { platform: 'windows', app_version: '2.4.1' },
      },
    })
    expect(act.status).toBe(200)

    const c = (await ok('store.customers.list', { q: 'ada@' })).items[0]
    expect(c).toMatchObject({ email: 'ada@example.com', notes: '' })
    expect(
      await ok('store.customers.setNotes', { id: c.id, notes: 'Pays by invoice' }),
    ).toMatchObject({ notes: 'Pays by invoice' })
    const detail = await ok('store.customers.get', { id: c.id })
    expect(detail.notes).toBe('Pays by invoice')
    expect(detail.order_list).toHaveLength(1)
    const licenses = await ok('licenses.list', { customer_id: c.id })
    expect(licenses.items.map((x: { id: string }) => x.id)).toEqual([l.id])
    const machines = await ok('machines.list', { customer_id: c.id })
    expect(machines.items).toHaveLength(1)
    expect(machines.items[0]).toMatchObject({
      hwid: 'hw-ada-laptop',
      platform: 'windows',
      app_version: '2.4.1',
      license_key: l.license_key,
      product_name: 'Customer App',
    })
    expect((await rpc('store.customers.setNotes', { id: 'nope', notes: 'x' })).body).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
  })

  it('lists machines across licenses, searchable and paged, last seen = later of heartbeat and validation', async () => {
    const p = await product('Fleet App')
    const { licenses } = await ok('licenses.bulkCreate', { product_id: p, count: 3 })
    for (const [i, l] of licenses.entries()) {
      const r = await s.json('/api/client/activate', {
        body: {
          license_key: l.license_key,
          product_id: p,
          hwid: `fleet-hw-${i}`,
          client_data: { platform: 'linux' },
        },
      })
      expect(r.status).toBe(200)
    }
    const activatedAt = at.toISOString()
    at = new Date(at.getTime() + 120_000)
    const v = await s.json('/api/client/validate', {
      body: { license_key: licenses[0].license_key, product_id: p, hwid: 'fleet-hw-0' },
    })
    expect(v.status).toBe(200)

    const all = await ok('machines.list', { q: 'fleet-hw-', limit: 2 })
    expect(all.total).toBe(3)
    expect(all.items).toHaveLength(2)
    const second = await ok('machines.list', { q: 'fleet-hw-', limit: 2, page: 2 })
    expect(second.items).toHaveLength(1)
    const byHwid = await ok('machines.list', { q: 'fleet-hw-0' })
    expect(byHwid.items).toHaveLength(1)
    const m = byHwid.items[0]
    // The validation wrote no machine row, yet the machine was seen then.
    expect(m.last_validated_at).toBe(at.toISOString())
    expect(m.last_seen_at).toBe(at.toISOString())
    expect(m.last_heartbeat_at).toBeNull()
    // The drawer shows the same last seen.
    const inDrawer = await ok('licenses.machines', { id: licenses[0].id })
    expect(inDrawer[0].last_seen_at).toBe(m.last_seen_at)
    const other = (await ok('machines.list', { q: 'fleet-hw-1' })).items[0]
    expect(other.last_seen_at).toBe(activatedAt)
  })
})

describe('the expiring-in-30-days view', () => {
  it('is the licenses list between now and 30 days, active only', async () => {
    const p = await product('Expiring App')
    const day = 86_400_000
    const soon = await ok('licenses.create', {
      product_id: p,
      expires_at: new Date(at.getTime() + 5 * day).toISOString(),
    })
    await ok('licenses.create', {
      product_id: p,
      expires_at: new Date(at.getTime() + 60 * day).toISOString(),
    })
    await ok('licenses.create', {
      product_id: p,
      expires_at: new Date(at.getTime() - day).toISOString(),
    })
    await ok('licenses.create', { product_id: p, expires_at: null })
    const r = await ok('licenses.list', {
      product_id: p,
      status: 'active',
      expires_from: at.toISOString(),
      expires_to: new Date(at.getTime() + 30 * day).toISOString(),
    })
    expect(r.items.map((x: { id: string }) => x.id)).toEqual([soon.id])
  })
})
