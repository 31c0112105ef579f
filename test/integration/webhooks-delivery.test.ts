import { rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { RETRY_BASE_MS } from '../../src/main/services/webhooks/backoff'
import { ManualClock, freePort, startClocked, startReceiver, until } from '../helpers/webhooks'
import { blockHwidSchema } from '@shared/channels/security'
import { dbOf } from '../helpers/db'

const SECRET = 'whsec_test_secret_0123456789'
type Clocked = Awaited<ReturnType<typeof startClocked>>
type Receiver = Awaited<ReturnType<typeof startReceiver>>

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

async function register(k: Clocked): Promise<string> {
  const r = await k.json('/api/auth/register', {
    email: `a${Date.now()}@example.com`,
    password: 'correct horse battery',
  })
  if (r.status !== 201) throw new Error(JSON.stringify(r.body))
  return r.body.data.token
}

const deliveriesOf = (k: Clocked, webhookId: string) =>
  dbOf(k.runtime.store).all<{
    id: string
    status: string
    attempts: number
    next_attempt_at: string | null
    last_error: string | null
  }>`SELECT * FROM webhook_deliveries WHERE webhook_id = ${webhookId} ORDER BY created_at`

describe('webhooks over real HTTP', () => {
  let k: Clocked
  let token: string
  let rx: Receiver
  const clock = new ManualClock()
  beforeAll(async () => {
    k = await startClocked(clock)
    token = await register(k)
    rx = await startReceiver(SECRET)
  })
  afterAll(async () => {
    await rx.close()
    await k.runtime.close()
    rmSync(k.dataDir, { recursive: true, force: true })
  })

  it('delivers a signed license.created with timestamp and delivery-id headers, and logs it', async () => {
    const w = await k.json(
      '/api/webhooks',
      { url: rx.url, events: ['license.created', 'license.suspended'], secret: SECRET },
      token,
    )
    expect(w.status).toBe(201)
    expect(w.body.data).toMatchObject({ url: rx.url, secret: SECRET, is_active: true })
    const product = await k.s.products.create(CONSOLE, { name: 'Hooked' })
    const lic = await k.s.licenses.create(CONSOLE, { product_id: product.id })
    await k.s.webhooks.kick()
    await until(() => rx.received.length === 1)
    const got = rx.received[0]
    expect(got.signatureValid).toBe(true)
    expect(got.body).toMatchObject({
      event: 'license.created',
      data: { license_id: lic.id, product_id: product.id },
    })
    expect(got.headers['x-keywarden-event']).toBe('license.created')
    expect(got.headers['x-keywarden-delivery']).toBe(got.body.id)
    expect(Math.abs(Number(got.headers['x-keywarden-timestamp']) - clock.t / 1000)).toBeLessThan(2)

    const log = await k.json(`/api/webhooks/${w.body.data.id}/deliveries`, undefined, token)
    expect(log.body.data.deliveries).toHaveLength(1)
    expect(log.body.data.deliveries[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
      last_error: null,
    })
    expect(typeof log.body.data.deliveries[0].last_response_ms).toBe('number')

    // Suspending through the security center fires license.suspended; the list masks the secret.
    await k.json(
      `/api/security/licenses/${lic.id}/suspend`,
      { reason: 'License compromised' },
      token,
    )
    await k.s.webhooks.kick()
    await until(() => rx.received.length === 2)
    expect(rx.received[1].body).toMatchObject({
      event: 'license.suspended',
      data: { details: { reason: 'License compromised' } },
    })
    // So does a plain status change through the licenses service (console, PUT /api/licenses/:id):
    // it is the lifecycle's suspend, recorded as license.suspended whichever surface asked.
    await k.s.licenses.update(CONSOLE, lic.id, { status: 'active' })
    await k.s.licenses.update(CONSOLE, lic.id, { status: 'suspended' })
    await k.s.webhooks.kick()
    await until(() => rx.received.length === 3)
    expect(rx.received[2].body).toMatchObject({
      event: 'license.suspended',
      data: { type: 'license.suspended' },
    })
    const list = await k.json('/api/webhooks', undefined, token)
    expect(list.body.data[0].secret).not.toBe(SECRET)

    // Manual redelivery sends the same delivery again.
    const first = log.body.data.deliveries[0]
    const re = await k.json(`/api/webhooks/deliveries/${first.id}/redeliver`, {}, token)
    expect(re.body.data).toMatchObject({ id: first.id, status: 'delivered' })
    await until(() => rx.received.length === 4)
    expect(rx.received[3].headers['x-keywarden-delivery']).toBe(first.id)
    expect(rx.received[3].signatureValid).toBe(true)
  })

  it('test sends a real signed event and reports status_code and response_time_ms', async () => {
    const w = await k.json(
      '/api/webhooks',
      { url: rx.url, events: ['security.alert'], secret: SECRET },
      token,
    )
    const before = rx.received.length
    const t = await k.json(`/api/webhooks/${w.body.data.id}/test`, {}, token)
    expect(t.status).toBe(200)
    expect(t.body.data).toMatchObject({ delivered: true, status_code: 200 })
    expect(t.body.data.response_time_ms).toBeGreaterThanOrEqual(0)
    expect(rx.received[before]).toMatchObject({
      signatureValid: true,
      body: { event: 'webhook.test' },
    })

    rx.state.status = 500
    const bad = await k.json(`/api/webhooks/${w.body.data.id}/test`, {}, token)
    rx.state.status = 200
    expect(bad.body.data).toMatchObject({ delivered: false, status_code: 500 })
    // Status and latency only: the receiver's body ("nope") is never handed back.
    expect(bad.body.data.error).toBe('HTTP 500')
    expect(JSON.stringify(bad.body)).not.toContain('nope')
  })

  it('refuses bad input, our own address, and private targets for users unless an admin allows them', async () => {
    const badEvent = await k.json(
      '/api/webhooks',
      { url: rx.url, events: ['license.exploded'] },
      token,
    )
    expect(badEvent.status).toBe(400)
    expect(badEvent.body.error_code).toBe('VALIDATION_ERROR')
    expect(
      (
        await k.json(
          '/api/webhooks',
          { url: 'ftp://example.com/x', events: ['license.created'] },
          token,
        )
      ).status,
    ).toBe(400)
    expect(
      (
        await k.json(
          '/api/webhooks',
          { url: rx.url, events: ['license.created'], secret: 'short' },
          token,
        )
      ).status,
    ).toBe(400)

    const self = await k.json(
      '/api/webhooks',
      { url: `${k.url}/api/health`, events: ['license.created'] },
      token,
    )
    expect(self.status).toBe(400)
    expect(self.body.message).toBe('A webhook cannot target Keywarden itself')
    const selfByName = await k.json(
      '/api/webhooks',
      { url: k.url.replace('127.0.0.1', 'localhost') + '/x', events: ['license.created'] },
      token,
    )
    expect(selfByName.status).toBe(400)
    const selfMapped = await k.json(
      '/api/webhooks',
      { url: k.url.replace('127.0.0.1', '[::ffff:127.0.0.1]') + '/x', events: ['license.created'] },
      token,
    )
    expect(selfMapped.status).toBe(400)
    expect(selfMapped.body.message).toBe('A webhook cannot target Keywarden itself')

    await k.s.settings.update(CONSOLE, { registration_open: true })
    const reg = await k.json('/api/auth/register', {
      email: `u${Date.now()}@example.com`,
      password: 'correct horse battery',
    })
    const user = reg.body.data.token
    const denied = await k.json('/api/webhooks', { url: rx.url, events: ['license.created'] }, user)
    expect(denied.status).toBe(400)
    expect(denied.body.message).toContain('loopback or private')
    for (const host of ['[::ffff:127.0.0.1]', '[::127.0.0.1]', '[64:ff9b::7f00:1]', '2130706433']) {
      const r = await k.json(
        '/api/webhooks',
        { url: rx.url.replace('127.0.0.1', host), events: ['license.created'] },
        user,
      )
      expect({ host, status: r.status, message: r.body.message }).toEqual({
        host,
        status: 400,
        message: 'Webhook URLs on loopback or private networks need an admin to allow them',
      })
    }
    await k.json(
      '/api/security/settings',
      { webhooks: { allow_private_for_users: true } },
      token,
      'PUT',
    )
    const allowed = await k.json(
      '/api/webhooks',
      { url: rx.url, events: ['license.created'] },
      user,
    )
    expect(allowed.status).toBe(201)
    expect(allowed.body.data.secret).toMatch(/^whsec_/)
    // A user's webhook hears about the user's own products only.
    const userRx = await startReceiver(allowed.body.data.secret)
    cleanup.push(userRx.close)
    await k.json(`/api/webhooks/${allowed.body.data.id}`, { url: userRx.url }, user, 'PUT')
    const theirs = await k.json('/api/products', { name: 'Theirs' }, user)
    await k.json('/api/licenses', { product_id: theirs.body.data.id }, user)
    const adminProduct = await k.s.products.create(CONSOLE, { name: 'Not theirs' })
    await k.s.licenses.create(CONSOLE, { product_id: adminProduct.id })
    await k.s.webhooks.kick()
    await until(() => userRx.received.length >= 1)
    await k.s.webhooks.kick()
    expect(userRx.received).toHaveLength(1)
    expect(userRx.received[0]).toMatchObject({
      signatureValid: true,
      body: { data: { product_id: theirs.body.data.id } },
    })
    // Users see only their own webhooks; admins see all.
    expect((await k.json('/api/webhooks', undefined, user)).body.data).toHaveLength(1)
    expect((await k.json('/api/webhooks', undefined, token)).body.data.length).toBeGreaterThan(1)
  })
})

describe('flood control', () => {
  it('a client hammering a blacklist entry reaches security.blocked once per minute, not per request', async () => {
    const clock = new ManualClock()
    const k = await startClocked(clock)
    const rx = await startReceiver(SECRET)
    cleanup.push(async () => {
      await rx.close()
      await k.runtime.close()
      rmSync(k.dataDir, { recursive: true, force: true })
    })
    await k.s.webhooks.create(CONSOLE, {
      url: rx.url,
      events: ['security.blocked'],
      secret: SECRET,
    })
    await k.s.security.blockHwid(CONSOLE, blockHwidSchema.parse({ hwid: 'HAMMER' }))
    for (let i = 0; i < 5; i++)
      expect(await k.s.security.screen({ hwid: 'HAMMER', ip: '10.9.9.9' })).not.toBeNull()
    await k.s.webhooks.kick()
    clock.advance(61_000)
    await k.s.security.screen({ hwid: 'HAMMER', ip: '10.9.9.9' })
    await k.s.webhooks.kick()
    await until(() => rx.received.length === 2)
    await k.s.webhooks.kick()
    expect(rx.received).toHaveLength(2)
    expect(rx.received.every((r) => r.body.event === 'security.blocked' && r.signatureValid)).toBe(
      true,
    )
  })
})

describe('retries and restarts', () => {
  it('a receiver that is down gets the event by retry once it is up (first retry within 30 s)', async () => {
    const clock = new ManualClock()
    const k = await startClocked(clock)
    cleanup.push(async () => {
      await k.runtime.close()
      rmSync(k.dataDir, { recursive: true, force: true })
    })
    const port = await freePort()
    const hook = await k.s.webhooks.create(CONSOLE, {
      url: `http://127.0.0.1:${port}/hook`,
      events: ['license.created'],
      secret: SECRET,
    })
    const product = await k.s.products.create(CONSOLE, { name: 'Down' })
    await k.s.licenses.create(CONSOLE, { product_id: product.id })
    await k.s.webhooks.kick()
    const [d1] = await deliveriesOf(k, hook.id)
    expect(d1).toMatchObject({ status: 'pending', attempts: 1 })
    expect(d1.last_error).toContain('ECONNREFUSED')
    const wait = Date.parse(d1.next_attempt_at!) - clock.t
    expect(wait).toBeGreaterThanOrEqual(RETRY_BASE_MS)
    expect(wait).toBeLessThanOrEqual(30_000)

    const rx = await startReceiver(SECRET, port)
    cleanup.push(rx.close)
    // Not due yet: nothing is sent before the retry time.
    await k.s.webhooks.kick()
    expect(rx.received).toHaveLength(0)
    clock.advance(wait)
    await k.s.webhooks.kick()
    expect(rx.received).toHaveLength(1)
    expect(rx.received[0].signatureValid).toBe(true)
    expect((await deliveriesOf(k, hook.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 })
  })

  it('a restart in the middle of the retry schedule still delivers exactly once', async () => {
    const clock = new ManualClock()
    const a = await startClocked(clock)
    const port = await freePort()
    const hook = await a.s.webhooks.create(CONSOLE, {
      url: `http://127.0.0.1:${port}/hook`,
      events: ['license.created'],
      secret: SECRET,
    })
    const product = await a.s.products.create(CONSOLE, { name: 'Restart' })
    await a.s.licenses.create(CONSOLE, { product_id: product.id })
    await a.s.webhooks.kick()
    clock.advance(60_000)
    await a.s.webhooks.kick()
    expect(await deliveriesOf(a, hook.id)).toMatchObject([{ status: 'pending', attempts: 2 }])
    await a.runtime.close()

    const rx = await startReceiver(SECRET, port)
    cleanup.push(rx.close)
    clock.advance(3_600_000)
    const b = await startClocked(clock, a.dataDir, a.database)
    cleanup.push(async () => {
      await b.runtime.close()
      rmSync(b.dataDir, { recursive: true, force: true })
    })
    // start() ran the due delivery; running the outbox again must not send it twice.
    await b.s.webhooks.kick()
    await until(() => rx.received.length >= 1)
    await b.s.webhooks.kick()
    expect(rx.received).toHaveLength(1)
    expect(rx.received[0].signatureValid).toBe(true)
    expect(await deliveriesOf(b, hook.id)).toMatchObject([{ status: 'delivered', attempts: 3 }])
  })

  it('a license reaching expires_at produces one license.expired and one notification, across restarts', async () => {
    const clock = new ManualClock()
    const a = await startClocked(clock)
    const rx = await startReceiver(SECRET)
    cleanup.push(rx.close)
    await a.s.webhooks.create(CONSOLE, { url: rx.url, events: ['license.expired'], secret: SECRET })
    const product = await a.s.products.create(CONSOLE, { name: 'Expiring' })
    const lic = await a.s.licenses.create(CONSOLE, {
      product_id: product.id,
      expires_at: new Date(clock.t + 3_600_000).toISOString(),
    })
    expect(await a.s.webhooks.sweepExpired()).toBe(0)
    clock.advance(3_600_000 + 1000)
    expect(await a.s.webhooks.sweepExpired()).toBe(1)
    expect(await a.s.webhooks.sweepExpired()).toBe(0)
    await a.s.webhooks.kick()
    await until(() => rx.received.length === 1)
    await a.runtime.close()

    clock.advance(86_400_000)
    const b = await startClocked(clock, a.dataDir, a.database)
    cleanup.push(async () => {
      await b.runtime.close()
      rmSync(b.dataDir, { recursive: true, force: true })
    })
    expect(await b.s.webhooks.sweepExpired()).toBe(0)
    await b.s.webhooks.kick()
    expect(rx.received).toHaveLength(1)
    expect(rx.received[0].body).toMatchObject({
      event: 'license.expired',
      data: { license_id: lic.id },
    })
    const db = dbOf(b.runtime.store)
    const events = await db.one<{ n: number }>`SELECT count(*) AS n FROM events
      WHERE type = 'license.expired' AND license_id = ${lic.id}`
    expect(events!.n).toBe(1)
    const notes = await db.one<{ n: number }>`SELECT count(*) AS n FROM notifications
      WHERE type = 'license_expired'`
    expect(notes!.n).toBe(1)
  })
})
