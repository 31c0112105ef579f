import { createHmac } from 'node:crypto'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { ManualClock, startClocked, startReceiver, until, type Received } from '../helpers/webhooks'
import {
  SNIPPET_LANGUAGES,
  hasCommand,
  runSnippet,
  type VerifyInput,
} from '../helpers/readme-snippets'

const SECRET = 'whsec_signature_test_0123456789'
type Clocked = Awaited<ReturnType<typeof startClocked>>
type Receiver = Awaited<ReturnType<typeof startReceiver>>

/** Which README snippets this machine can run: Node and Python always, PHP and Go if present. */
const available: Record<string, boolean> = {
  node: true,
  python: true,
  php: hasCommand('php'),
  go: hasCommand('go', ['version']),
}
for (const lang of SNIPPET_LANGUAGES) {
  if (!available[lang]) {
    console.warn(
      `SKIPPED: the README's ${lang} verification snippet (no \`${lang}\` on this machine)`,
    )
  }
}

const tOf = (header: string) => Number(/(?:^|,)t=(\d+)/.exec(header)![1])
const v1sOf = (header: string) => header.split(',').filter((p) => p.startsWith('v1=')).length
const sign = (secret: string, t: number, body: string) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`

describe('Keywarden-Signature, verified by the README snippets against real deliveries', () => {
  let k: Clocked
  let token: string
  let rx: Receiver
  let webhookId: string
  let product: { id: string }
  const clock = new ManualClock()

  /** Makes one event the webhook hears and returns the delivery the receiver got. */
  async function nextDelivery(): Promise<Received> {
    const n = rx.received.length
    await k.s.licenses.create(CONSOLE, { product_id: product.id })
    await k.s.webhooks.kick()
    await until(() => rx.received.length === n + 1)
    return rx.received[n]
  }
  const headerOf = (d: Received) => String(d.headers['keywarden-signature'])

  beforeAll(async () => {
    k = await startClocked(clock)
    const reg = await k.json('/api/auth/register', {
      email: 'sig@example.com',
      password: 'correct horse battery',
    })
    token = reg.body.data.token
    rx = await startReceiver(SECRET)
    const w = await k.json(
      '/api/webhooks',
      { url: rx.url, events: ['license.created'], secret: SECRET },
      token,
    )
    expect(w.status).toBe(201)
    expect(w.body.data.previous_secret_expires_at).toBeNull()
    webhookId = w.body.data.id
    product = await k.s.products.create(CONSOLE, { name: 'Signed' })
  })
  afterAll(async () => {
    await rx.close()
    await k.runtime.close()
    rmSync(k.dataDir, { recursive: true, force: true })
  })

  it('signs t + "." + raw body with the attempt time and keeps the old header', async () => {
    const d = await nextDelivery()
    const header = headerOf(d)
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(tOf(header)).toBe(Math.floor(clock.t / 1000))
    expect(header).toBe(sign(SECRET, tOf(header), d.raw))
    // The header of earlier releases, unchanged, for existing receivers.
    expect(d.signatureValid).toBe(true)
    expect(d.headers['x-keywarden-timestamp']).toBe(String(tOf(header)))
  })

  for (const lang of SNIPPET_LANGUAGES) {
    it.skipIf(!available[lang])(
      `the README's ${lang} snippet accepts a real delivery and refuses tampering, stale t, wrong secret`,
      async () => {
        const d = await nextDelivery()
        const header = headerOf(d)
        const t = tOf(header)
        const now = Math.floor(Date.now() / 1000)
        const cases: VerifyInput[] = [
          // as a receiver gets it, checked against the receiver's own clock
          { body: d.raw, header, secret: SECRET },
          { body: d.raw.replace('"license.created"', '"license.deleted"'), header, secret: SECRET },
          { body: d.raw, header, secret: 'whsec_not_the_secret_00000000' },
          // correctly signed, but 301 s old: a replay
          { body: d.raw, header: sign(SECRET, now - 301, d.raw), secret: SECRET },
          // the same delivery seen 301 s after it was sent
          { body: d.raw, header, secret: SECRET, now: t + 301 },
          // 300 s is still within the tolerance
          { body: d.raw, header, secret: SECRET, now: t + 300 },
          { body: d.raw, header: 'v1=' + header.split('v1=')[1], secret: SECRET },
        ]
        expect(runSnippet(lang, cases)).toEqual([true, false, false, false, false, true, false])
      },
      180_000,
    )
  }

  it('rotation: both secrets verify during the overlap, only the new one after it', async () => {
    const r = await k.json(`/api/webhooks/${webhookId}/rotate-secret`, { overlap_hours: 2 }, token)
    expect(r.status).toBe(200)
    const fresh: string = r.body.data.secret
    expect(fresh).toMatch(/^whsec_/)
    expect(fresh).not.toBe(SECRET)
    expect(r.body.data.previous_secret_expires_at).toBe(
      new Date(clock.t + 2 * 3_600_000).toISOString(),
    )
    // Shown once: listed afterwards masked, with the overlap's end.
    const listed = (await k.json('/api/webhooks', undefined, token)).body.data[0]
    expect(listed.secret).not.toBe(fresh)
    expect(listed.previous_secret_expires_at).toBe(r.body.data.previous_secret_expires_at)

    clock.advance(2 * 3_600_000 - 1000)
    const during = await nextDelivery()
    const h1 = headerOf(during)
    expect(v1sOf(h1)).toBe(2)
    const at = (header: string, secret: string) => ({
      body: during.raw,
      header,
      secret,
      now: tOf(header),
    })
    expect(runSnippet('node', [at(h1, fresh), at(h1, SECRET)])).toEqual([true, true])
    expect(runSnippet('python', [at(h1, fresh), at(h1, SECRET)])).toEqual([true, true])
    // The old header carries the current secret's signature only.
    expect(during.signatureValid).toBe(false)

    clock.advance(1000)
    const after = await nextDelivery()
    const h2 = headerOf(after)
    expect(v1sOf(h2)).toBe(1)
    const at2 = (secret: string) => ({ body: after.raw, header: h2, secret, now: tOf(h2) })
    expect(runSnippet('node', [at2(fresh), at2(SECRET)])).toEqual([true, false])
    expect(runSnippet('python', [at2(fresh), at2(SECRET)])).toEqual([true, false])
    expect((await k.json(`/api/webhooks/${webhookId}`, undefined, token)).body.data).toMatchObject({
      previous_secret_expires_at: null,
    })
  }, 60_000)

  it('the previous secret is sealed at rest; default overlap is 24 h; 0 means none', async () => {
    const r = await k.json(`/api/webhooks/${webhookId}/rotate-secret`, {}, token)
    expect(r.status).toBe(200)
    expect(r.body.data.previous_secret_expires_at).toBe(
      new Date(clock.t + 24 * 3_600_000).toISOString(),
    )
    const row = await k.runtime.store.db
      .selectFrom('webhooks')
      .select(['secret', 'previous_secret'])
      .where('id', '=', webhookId)
      .executeTakeFirstOrThrow()
    expect(row.previous_secret).toMatch(/^v1\./)
    expect(row.secret).toMatch(/^v1\./)

    const none = await k.json(
      `/api/webhooks/${webhookId}/rotate-secret`,
      { overlap_hours: 0 },
      token,
    )
    expect(none.body.data.previous_secret_expires_at).toBeNull()
    expect(v1sOf(headerOf(await nextDelivery()))).toBe(1)
  })

  it('a secret set by hand replaces the current one at once, ending an overlap', async () => {
    await k.json(`/api/webhooks/${webhookId}/rotate-secret`, { overlap_hours: 5 }, token)
    const put = await k.json(`/api/webhooks/${webhookId}`, { secret: SECRET }, token, 'PUT')
    expect(put.status).toBe(200)
    expect(put.body.data).toMatchObject({ secret: SECRET, previous_secret_expires_at: null })
    const d = await nextDelivery()
    expect(headerOf(d)).toBe(sign(SECRET, tOf(headerOf(d)), d.raw))
  })

  it('refuses a bad overlap with a clear error, and an unknown webhook', async () => {
    const bad = await k.json(
      `/api/webhooks/${webhookId}/rotate-secret`,
      { overlap_hours: -1 },
      token,
    )
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toMatch(/overlap_hours/)
    const missing = await k.json('/api/webhooks/nope/rotate-secret', {}, token)
    expect(missing.status).toBe(404)
  })

  it('the console channel rotates too', async () => {
    const w = await k.s.webhooks.rotateSecret(CONSOLE, webhookId, { overlap_hours: 1 })
    expect(w.secret).toMatch(/^whsec_/)
    expect(w.previous_secret_expires_at).toBe(new Date(clock.t + 3_600_000).toISOString())
  })
})
