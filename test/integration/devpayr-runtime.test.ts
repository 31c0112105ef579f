import { createHash, createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../helpers/server'
import { api } from '../helpers/mgmt'
import { dbOf } from '../helpers/db'
import { openInjectable } from '../helpers/devpayr-client'
import { call, devpayrServer, refusal } from './devpayr-helpers'

/**
 * Issue 14's runtime rules over real HTTP: the license decides first (whatever the payment
 * state), then the project's domain rules and environments, then the identifier takes one of
 * the license's slots; usage recorded as events.
 */
let srv: TestServer
let key: string
let jwt: string
let now = new Date('2026-06-01T00:00:00.000Z')

beforeAll(async () => {
  const s = await devpayrServer({ clock: () => now })
  srv = s.srv
  key = s.key
  jwt = s.admin.token
})
afterAll(() => srv.stop())

const Q = '?include=injectables&action=check_project'
const db = () => dbOf(srv.runtime.store)

async function project(body: Record<string, unknown> = {}) {
  return (await call(srv, 'POST', '/project', { key, body: { name: 'App', ...body } })).body.data
}
async function license(p: string, body: Record<string, unknown> = {}) {
  const r = await call(srv, 'POST', `/project/${p}/licenses`, { key, body })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body.data
}
async function domain(p: string, body: Record<string, unknown>) {
  const r = await call(srv, 'POST', `/project/${p}/domains`, { key, body })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body.data
}
const hasPaid = (licenseKey: string | undefined, domainName: string | undefined, q = Q) =>
  call(srv, 'POST', '/project/has-paid' + q, { license: licenseKey, domain: domainName, body: {} })

describe('has-paid and the license', () => {
  it('answers has_paid for a licensed runtime, and the environment it runs in', async () => {
    const p = await project()
    const l = await license(p.id, { max_domains: 2 })
    const r = await hasPaid(l.uuid, 'shop.example.com', '?action=check_project')
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      status: 'success',
      message: 'Project has not been paid for',
      data: { has_paid: false, project_id: p.id, environment: 'production' },
      errors: null,
    })
    await call(srv, 'PUT', `/project/${p.id}`, { key, body: { has_paid: true } })
    const paid = await hasPaid(l.uuid, 'shop.example.com', '')
    expect(paid.body.message).toBe('Project has been paid for')
    expect(paid.body.data.has_paid).toBe(true)
  })

  it('refuses a missing identifier, a missing key and an unknown key, saying which', async () => {
    const p = await project()
    const l = await license(p.id)
    expect(await hasPaid(l.uuid, undefined)).toMatchObject({
      status: 400,
      body: refusal('Missing runtime identifier: send the X-Devpayr-Domain header'),
    })
    expect(await hasPaid(undefined, 'a.example.com')).toMatchObject({
      status: 401,
      body: refusal('Missing license key: send the X-LICENSE-KEY header'),
    })
    expect(await hasPaid('ZZZZ-ZZZZ-ZZZZ-ZZZZ', 'a.example.com')).toMatchObject({
      status: 403,
      body: refusal('Invalid license key'),
    })
    // An API key does not stand in for the license key at runtime.
    const r = await call(srv, 'POST', '/project/has-paid', { key, domain: 'a.example.com' })
    expect(r).toMatchObject({
      status: 401,
      body: refusal('Missing license key: send the X-LICENSE-KEY header'),
    })
  })

  it('license state always overrides payment: revoked, banned, expired and inactive refuse a paid project', async () => {
    const p = await project({ has_paid: true })
    const l = await license(p.id, { max_domains: 5, expires_at: '2026-07-01T00:00:00.000Z' })
    expect((await hasPaid(l.uuid, 'a.example.com')).status).toBe(200)

    await call(srv, 'POST', `/project/${p.id}/licenses/${l.id}/revoke`, { key })
    expect(await hasPaid(l.uuid, 'a.example.com')).toMatchObject({
      status: 403,
      body: refusal('License has been revoked or suspended'),
    })
    expect(
      await call(srv, 'GET', '/injectable/stream', { license: l.uuid, domain: 'a.example.com' }),
    ).toMatchObject({
      status: 403,
      body: refusal('License has been revoked or suspended'),
    })
    await call(srv, 'POST', `/project/${p.id}/licenses/${l.id}/reactivate`, { key })
    expect((await hasPaid(l.uuid, 'a.example.com')).status).toBe(200)

    await api(srv, jwt).post(`/api/licenses/${l.id}/ban`, { reason: 'chargeback' })
    expect(await hasPaid(l.uuid, 'a.example.com')).toMatchObject({
      status: 403,
      body: refusal('License has been banned'),
    })
    await call(srv, 'POST', `/project/${p.id}/licenses/${l.id}/reactivate`, { key })
    expect((await hasPaid(l.uuid, 'a.example.com')).status).toBe(200)

    now = new Date('2026-07-02T00:00:00.000Z')
    try {
      expect(await hasPaid(l.uuid, 'a.example.com')).toMatchObject({
        status: 403,
        body: refusal('License has expired'),
      })
      expect(
        (await call(srv, 'GET', `/project/${p.id}/licenses/${l.id}`, { key })).body.data.status,
      ).toBe('expired')
    } finally {
      now = new Date('2026-06-01T00:00:00.000Z')
    }

    await call(srv, 'PUT', `/project/${p.id}`, { key, body: { is_active: false } })
    expect(await hasPaid(l.uuid, 'a.example.com')).toMatchObject({
      status: 403,
      body: refusal('Project is inactive or does not exist'),
    })
  })

  it('refuses a blacklisted runtime identifier', async () => {
    const p = await project()
    const l = await license(p.id, { max_domains: 3 })
    const b = await api(srv, jwt).post('/api/security/blacklist', {
      type: 'hwid',
      value: 'stolen.example.com',
      reason: 'pirated copy',
    })
    expect(b.status, JSON.stringify(b.body)).toBe(201)
    expect(await hasPaid(l.uuid, 'stolen.example.com')).toMatchObject({
      status: 403,
      body: refusal('Access denied: this runtime is blocked'),
    })
  })

  it('rate-limits checks by the product policy (429 in DevPayr’s words)', async () => {
    const p = await project()
    await srv.runtime.services.products.update({ kind: 'console' }, p.id, {
      policy: { validate_per_minute: 1 },
    })
    const l = await license(p.id)
    expect((await hasPaid(l.uuid, 'a.example.com')).status).toBe(200)
    expect(await hasPaid(l.uuid, 'a.example.com')).toMatchObject({
      status: 429,
      body: refusal('Too many requests, slow down'),
    })
  })
})

describe('the domain limit and domain rules', () => {
  it('each new identifier takes a slot; a known one does not; over the limit is refused', async () => {
    const p = await project()
    const l = await license(p.id, { max_domains: 2 })
    expect((await hasPaid(l.uuid, 'one.example.com')).status).toBe(200)
    expect((await hasPaid(l.uuid, 'fp-8c1f2e')).status).toBe(200) // opaque: a device fingerprint
    now = new Date('2026-06-01T00:05:00.000Z')
    try {
      expect((await hasPaid(l.uuid, 'one.example.com')).status).toBe(200)
    } finally {
      now = new Date('2026-06-01T00:00:00.000Z')
    }
    // A known identifier's check is seen on its machine (the console's "last seen").
    const seen = await db().one<{ last_seen_at: string }>`
      SELECT last_seen_at FROM machines WHERE license_id = ${l.id} AND hwid = 'one.example.com'`
    expect(seen!.last_seen_at).toBe('2026-06-01T00:05:00.000Z')
    expect(await hasPaid(l.uuid, 'three.example.com')).toMatchObject({
      status: 403,
      body: refusal('License has reached its limit of runtime identifiers (domains or devices)'),
    })
    const got = (await call(srv, 'GET', `/project/${p.id}/licenses/${l.id}`, { key })).body.data
    expect(got).toMatchObject({ max_domains: 2, domains_used: 2 })
    // Freeing a slot (Keywarden's reset) lets a new identifier in.
    await api(srv, jwt).post(`/api/licenses/${l.id}/reset-hwid`)
    expect((await hasPaid(l.uuid, 'three.example.com')).status).toBe(200)
  })

  it('a wildcard admits every subdomain at any depth, not its apex nor look-alikes', async () => {
    const p = await project()
    await domain(p.id, { domain: '*.example.com' })
    await domain(p.id, { domain: 'exact.org' })
    const l = await license(p.id, { max_domains: 10 })
    for (const ok of [
      'a.example.com',
      'x.y.example.com',
      'https://B.Example.com:8443/path',
      'EXACT.org',
    ])
      expect((await hasPaid(l.uuid, ok)).status, ok).toBe(200)
    const no = refusal(
      "Domain not allowed: this runtime identifier matches none of the project's domains",
    )
    for (const bad of ['example.com', 'badexample.com', 'example.com.evil.net', 'sub.exact.org'])
      expect(await hasPaid(l.uuid, bad), bad).toMatchObject({ status: 403, body: no })
    // A refused identifier took no slot.
    const got = (await call(srv, 'GET', `/project/${p.id}/licenses/${l.id}`, { key })).body.data
    expect(got.domains_used).toBe(4)
  })

  it('an inactive rule admits nothing; removing every rule opens the license to any identifier', async () => {
    const p = await project()
    const d = await domain(p.id, { domain: 'only.example.com' })
    await domain(p.id, { domain: 'off.example.com', is_active: false })
    const l = await license(p.id, { max_domains: 5 })
    expect((await hasPaid(l.uuid, 'off.example.com')).status).toBe(403)
    expect((await hasPaid(l.uuid, 'only.example.com')).status).toBe(200)
    await call(srv, 'PUT', `/project/${p.id}/domain/${d.id}`, { key, body: { is_active: false } })
    expect((await hasPaid(l.uuid, 'anything.net')).status).toBe(200)
  })
})

describe('environments', () => {
  it('a test license never runs on a production domain, nor a production license on a staging one', async () => {
    const p = await project()
    await domain(p.id, { domain: 'www.example.com', environment: 'production' })
    await domain(p.id, { domain: '*.staging.example.com', environment: 'staging' })
    await domain(p.id, { domain: 'ci-runner-7', environment: 'test' })
    const prod = await license(p.id, { max_domains: 5, environment: 'production' })
    const test = await license(p.id, { max_domains: 5, environment: 'test' })

    expect((await hasPaid(prod.uuid, 'www.example.com')).body.data.environment).toBe('production')
    expect(await hasPaid(prod.uuid, 'a.staging.example.com')).toMatchObject({
      status: 403,
      body: refusal('A production license cannot run on a staging domain'),
    })
    expect(await hasPaid(test.uuid, 'www.example.com')).toMatchObject({
      status: 403,
      body: refusal('A test license cannot run on a production domain'),
    })
    expect((await hasPaid(test.uuid, 'a.staging.example.com')).body.data.environment).toBe(
      'staging',
    )
    expect((await hasPaid(test.uuid, 'ci-runner-7')).body.data.environment).toBe('test')

    // Each machine records the environment it ran in (the console's license drawer shows it).
    const rows = await db().all<{ hwid: string; environment: string }>`
      SELECT hwid, environment FROM machines WHERE license_id = ${test.id} ORDER BY hwid`
    expect(rows).toEqual([
      { hwid: 'a.staging.example.com', environment: 'staging' },
      { hwid: 'ci-runner-7', environment: 'test' },
    ])
    const drawer = await srv.runtime.handlers['licenses.machines'](
      { id: test.id },
      { actor: { kind: 'console' } },
    )
    expect(drawer.map((m: { environment: string | null }) => m.environment).sort()).toEqual([
      'staging',
      'test',
    ])
  })
})

describe('usage is recorded as events', () => {
  it('a first check activates, the next validates, a refused domain is a blocked validation', async () => {
    const p = await project()
    await domain(p.id, { domain: 'ok.example.com' })
    const l = await license(p.id, { max_domains: 3 })
    await hasPaid(l.uuid, 'ok.example.com')
    await hasPaid(l.uuid, 'ok.example.com')
    await hasPaid(l.uuid, 'nope.example.com')
    const events = await db().all<{ type: string; hwid: string; blocked: number; details: string }>`
      SELECT type, hwid, blocked, details FROM events WHERE license_id = ${l.id} ORDER BY id`
    const seen = events
      .filter((e) => e.type.startsWith('license_'))
      .map((e) => [e.type, e.hwid, Number(e.blocked), JSON.parse(e.details).protocol])
    expect(seen).toEqual([
      ['license_validation', 'ok.example.com', 0, 'devpayr'],
      ['license_activation', 'ok.example.com', 0, 'devpayr'],
      ['license_validation', 'ok.example.com', 0, 'devpayr'],
      ['license_validation', 'nope.example.com', 0, 'devpayr'],
      ['license_validation', 'nope.example.com', 1, 'devpayr'],
    ])
    const last = JSON.parse(events.at(-1)!.details)
    expect(last).toMatchObject({ error_code: 'HWID_MISMATCH', reason: 'domain_not_allowed' })
  })
})

describe('payment state and injectables', () => {
  it('include=injectables: all active ones while paid, those not only_if_paid while unpaid', async () => {
    const p = await project()
    const l = await license(p.id, { max_domains: 3 })
    const add = (body: Record<string, unknown>) =>
      call(srv, 'POST', `/project/${p.id}/injectables`, {
        key,
        body: { secret: 's3cret-key', ...body },
      })
    await add({ title: 'Free', slug: 'free', content: 'free part' })
    await add({ title: 'Paid', slug: 'paid', content: 'paid part', only_if_paid: true })
    await add({ title: 'Off', slug: 'off', content: 'inactive', is_active: false })
    const slugs = (r: { body: { data: { injectables?: { slug: string }[] } } }) =>
      r.body.data.injectables?.map((i) => i.slug)

    expect(slugs(await hasPaid(l.uuid, 'a.example.com', '?include=injectables'))).toEqual(['free'])
    expect(slugs(await hasPaid(l.uuid, 'a.example.com', ''))).toBeUndefined()
    await call(srv, 'PATCH', `/project/${p.id}`, { key, body: { has_paid: true } })
    const paid = await hasPaid(l.uuid, 'a.example.com', '?include=injectables,other')
    expect(slugs(paid)).toEqual(['free', 'paid'])
    const opened = paid.body.data.injectables.map((i: unknown) =>
      openInjectable('s3cret-key', i).content.toString(),
    )
    expect(opened).toEqual(['free part', 'paid part'])

    const stream = await call(srv, 'GET', '/injectable/stream' + Q, {
      license: l.uuid,
      domain: 'a.example.com',
    })
    expect(stream.status).toBe(200)
    expect(stream.body).toEqual({
      status: 'success',
      message: 'Injectables retrieved',
      data: { project_id: p.id, has_paid: true, injectables: paid.body.data.injectables },
      errors: null,
    })
    expect(await call(srv, 'GET', '/injectable/stream', { license: l.uuid })).toMatchObject({
      status: 400,
      body: refusal('Missing runtime identifier: send the X-Devpayr-Domain header'),
    })
  })

  it('the worked example: the client reads the issue’s content, and the server’s own output alike', async () => {
    // The constants, opened by the contract's client (IV 00..0f, secret s3cret-key).
    const example = {
      slug: 'example',
      content: 'AAECAwQFBgcICQoLDA0ODzo6ZFJCcVBKLzkxbDJLM21nWlhqYitRdz09',
      signature: '95e48436c2dd26f9439cfa25ca063d9bf1d8b43ad97474811fbf2691de58a455',
      content_hash: createHash('sha256').update('hello').digest('hex'),
    }
    expect(openInjectable('s3cret-key', example).content.toString()).toBe('hello')
    // The server's answer for the same secret and plaintext (its IV is random).
    const p = await project({ has_paid: true })
    const l = await license(p.id)
    await call(srv, 'POST', `/project/${p.id}/injectables`, {
      key,
      body: { title: 'Hello', content: 'hello', secret: 's3cret-key' },
    })
    const i = (await hasPaid(l.uuid, 'a.example.com')).body.data.injectables[0]
    expect(i.content_hash).toBe(example.content_hash)
    expect(i.signature).toBe(createHmac('sha256', 's3cret-key').update(i.content).digest('hex'))
    const raw = Buffer.from(i.content, 'base64')
    expect(raw.indexOf('::')).toBe(16)
    expect(raw.at(15)).not.toBe(0x3a)
    expect(openInjectable('s3cret-key', i).content.toString()).toBe('hello')
  })

  it('a paid store order sets the project paid', async () => {
    const p = await project()
    expect(p.has_paid).toBe(false)
    const admin = api(srv, jwt)
    const order = await admin.post('/api/orders', {
      customer_email: 'buyer@example.com',
      product_id: p.id,
      amount_cents: 1900,
      currency: 'USD',
    })
    expect(order.status, JSON.stringify(order.body)).toBe(201)
    expect((await call(srv, 'GET', `/project/${p.id}/has-paid`, { key })).body.data.has_paid).toBe(
      false,
    )
    const paid = await srv.json(`/api/orders/${order.body.data.id}`, {
      method: 'PATCH',
      body: { status: 'paid' },
      headers: { authorization: `Bearer ${jwt}` },
    })
    expect(paid.status, JSON.stringify(paid.body)).toBe(200)
    expect((await call(srv, 'GET', `/project/${p.id}/has-paid`, { key })).body.data).toEqual({
      project_id: p.id,
      has_paid: true,
    })
    // The key the order issued works at runtime and reads the project as paid.
    const issued = paid.body.data.keys[0].key
    expect((await hasPaid(issued, 'buyer.example.com')).body.data.has_paid).toBe(true)
  })
})
