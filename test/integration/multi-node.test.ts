import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRuntime, type Runtime } from '../../src/main/runtime'
import { CONSOLE } from '../../src/main/services/context'
import { startTestServer, type TestServer } from '../helpers/server'
import { onPostgres } from '../helpers/store'
import { dbOf } from '../helpers/db'
import { seed } from '../helpers/licensecm-client'
import { firstAdmin } from '../helpers/mgmt'
import { startReceiver, until } from '../helpers/webhooks'
import { vendor, v0 } from './sellrealm-helpers'
import { createWebhookSchema } from '@shared/channels/webhooks'

/**
 * Issue 13.3: two headless nodes on one PostgreSQL database, as behind a load balancer. Node A
 * is a test server on a fresh database; node B is a second runtime (its own pool, services,
 * caches and webhook worker) on the same database and the same data folder's keys. Nothing is
 * shared between them but the database.
 */
describe.skipIf(!onPostgres)('two nodes on one PostgreSQL database', () => {
  let a: TestServer
  let b: Runtime
  let urlB: string
  let admin: { token: string }
  beforeAll(async () => {
    a = await startTestServer()
    admin = await firstAdmin(a)
    // The per-client limit holds across nodes (counted in the database): this file sends a few
    // hundred requests from one address within the minute.
    await a.runtime.services.settings.update(
      { kind: 'console' },
      { api_rate_limit_per_minute: 100_000 },
    )
    b = await startRuntime({
      dataDir: a.dataDir,
      database: a.database,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
    })
    urlB = b.server!.url
  })
  afterAll(async () => {
    await b?.close()
    await a?.stop()
  })

  const post = async (base: string, path: string, body: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as any } // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  it('100 concurrent activations of one license (max 3 machines), split across both nodes, bind exactly 3', async () => {
    // Not hardware-locked, so that a refusal names the machine limit (a locked license refuses
    // a new machine as HWID_MISMATCH).
    const { product, license, key } = await seed(a, { max_uses: 3, hwid_locked: false })
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        post(i % 2 === 0 ? a.url : urlB, '/api/client/activate', {
          license_key: key,
          product_id: product.id,
          hwid: `machine-${i}`,
        }),
      ),
    )
    const ok = answers.filter((r) => r.status === 200)
    expect(ok).toHaveLength(3)
    const refused = answers.filter((r) => r.status !== 200)
    expect(new Set(refused.map((r) => r.body.error_code))).toEqual(new Set(['MAX_USES_EXCEEDED']))
    const rows = await dbOf(a.runtime.store).all<{ n: number }>`
      SELECT count(*) AS n FROM machines WHERE license_id = ${license.id}`
    expect(rows[0].n).toBe(3)
  })

  it('floating seats (#16): 40 racing activations split across both nodes take exactly 3 seats; culling on both nodes at once frees each seat once', async () => {
    const { product, license, key } = await seed(
      a,
      { max_uses: 3, hwid_locked: false },
      { mode: 'floating', heartbeat_seconds: 10, dead_machine: 'free_seat' },
    )
    // 40 requests, 20 a node: with the test above, still under the API's per-IP minute.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(i % 2 === 0 ? a.url : urlB, '/api/client/activate', {
          license_key: key,
          product_id: product.id,
          hwid: `float-${i}`,
        }),
      ),
    )
    expect(answers.filter((r) => r.status === 200)).toHaveLength(3)
    expect(new Set(answers.filter((r) => r.status !== 200).map((r) => r.body.error_code))).toEqual(
      new Set(['MAX_USES_EXCEEDED']),
    )
    const held = async () =>
      Number(
        (
          await dbOf(a.runtime.store).all<{ n: number }>`
            SELECT count(*) AS n FROM machines WHERE license_id = ${license.id} AND seat = 'held'`
        )[0].n,
      )
    expect(await held()).toBe(3)
    // Dead for both nodes: culled by both at once, each seat by exactly one of them.
    await dbOf(a.runtime.store).run`
      UPDATE machines SET seat_dead_at = '2000-01-01T00:00:00.000Z' WHERE license_id = ${license.id}`
    const [ra, rb] = await Promise.all([
      a.runtime.services.seats.runOnce(),
      b.services.seats.runOnce(),
    ])
    expect(await held()).toBe(0)
    const freedHere = (r: { freed: number }) => r.freed
    expect(freedHere(ra) + freedHere(rb)).toBeGreaterThanOrEqual(3)
    const counted = await dbOf(a.runtime.store).all<{ details: string }>`
      SELECT details FROM events WHERE license_id = ${license.id} AND type = 'seat.freed'`
    expect(
      counted.reduce((n, e) => n + (JSON.parse(e.details) as { count: number }).count, 0),
    ).toBe(3)
  })

  it('a SellRealm nonce used on node A is refused on node B', async () => {
    const acct = await vendor(a, `mn-${randomBytes(3).toString('hex')}@example.com`)
    const product = await a.runtime.services.products.create(acct.actor, { name: 'Nonce App' })
    const lic = await a.runtime.services.licenses.create(acct.actor, { product_id: product.id })
    const login = await v0(a, {
      type: 'login',
      key: lic.license_key,
      auth_secret: acct.authSecret,
      hwid: 'hw-nonce',
      product_id: product.num,
    })
    expect(login.body.status).toBe('success')
    const nodeB = { url: urlB } as TestServer
    const check = (s: TestServer, nonce: string) =>
      v0(s, {
        type: 'check_session',
        session_id: login.body.session_id,
        nonce,
        auth_secret: acct.authSecret,
        product_id: product.num,
      })
    const first = await check(a, login.body.nonce)
    expect(first.body.status).toBe('success')
    const replayed = await check(nodeB, login.body.nonce)
    expect(replayed.body.status).not.toBe('success')
    // The nonce node A rotated to is the one node B accepts.
    const next = await check(nodeB, first.body.nonce)
    expect(next.body.status).toBe('success')
  })

  it('a ban on node A refuses on node B at once', async () => {
    const { product, key } = await seed(a, { max_uses: 2 })
    const hwid = 'hw-' + randomBytes(4).toString('hex')
    const activated = await post(urlB, '/api/client/activate', {
      license_key: key,
      product_id: product.id,
      hwid,
    })
    expect(activated.status).toBe(200)
    const ban = await a.json('/api/security/blacklist', {
      body: { type: 'hwid', value: hwid, reason: 'shared key', severity: 'critical' },
      headers: { authorization: `Bearer ${admin.token}` },
    })
    expect(ban.status).toBe(201)
    const refused = await post(urlB, '/api/client/validate', {
      license_key: key,
      product_id: product.id,
      hwid,
    })
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ error_code: 'BLACKLISTED', security_blocked: true })
  })

  it('a webhook event is delivered once, with both nodes delivering', async () => {
    const secret = 'whsec_multi_node_0123456789'
    const rx = await startReceiver(secret)
    try {
      await a.runtime.services.webhooks.create(
        CONSOLE,
        createWebhookSchema.parse({ url: rx.url, events: ['license.created'], secret }),
      )
      const product = await b.services.products.create(CONSOLE, { name: 'Hooked twice' })
      const made = []
      for (let i = 0; i < 10; i++) {
        made.push(await b.services.licenses.create(CONSOLE, { product_id: product.id }))
      }
      // Both nodes' workers look at the outbox at the same moments.
      for (let i = 0; i < 5; i++) {
        await Promise.all([a.runtime.services.webhooks.kick(), b.services.webhooks.kick()])
      }
      const ours = () => rx.received.filter((r) => r.body.data.product_id === product.id)
      await until(() => ours().length >= made.length)
      // Give a duplicate every chance to arrive.
      for (let i = 0; i < 3; i++) {
        await Promise.all([a.runtime.services.webhooks.kick(), b.services.webhooks.kick()])
      }
      await new Promise((r) => setTimeout(r, 300))
      const ids = ours().map((r) => r.body.data.license_id)
      expect(ids.sort()).toEqual(made.map((l) => l.id).sort())
      // Every delivery of the whole run (earlier tests' licenses included) arrived once.
      const deliveries = rx.received.map((r) => r.headers['x-keywarden-delivery'])
      expect(new Set(deliveries).size).toBe(deliveries.length)
    } finally {
      await rx.close()
    }
  })
})
