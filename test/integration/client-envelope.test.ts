import { createCipheriv, createHmac, randomBytes } from 'node:crypto'
import { createPublicKey } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { rsaPrivateKeyPath } from '../../src/main/crypto/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { startRuntime } from '../../src/main/runtime'
import { startTestServer, type TestServer } from '../helpers/server'
import { WireClient, seed } from '../helpers/licensecm-client'
import { dbOf } from '../helpers/db'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
  await srv.runtime.services.security.updateSettings(CONSOLE, {
    brute_force: { max_failures: 10_000 },
  })
})
afterAll(async () => {
  await srv.stop()
})

const raw = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${srv.url}/api/client${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  }).then(async (r) => ({
    status: r.status,
    headers: r.headers,
    body: (await r.json()) as Record<string, unknown>,
  }))
const db = () => dbOf(srv.runtime.store)
const typesSince = async (id: number) =>
  (await db().all<{ type: string }>`SELECT type FROM events WHERE id > ${id}`).map((e) => e.type)
const lastEventId = async () =>
  Number((await db().one<{ n: number }>`SELECT COALESCE(MAX(id), 0) AS n FROM events`)!.n)

describe('encrypted envelope', () => {
  it('an encrypted request gets an encrypted answer (12-byte nonce every SDK opens)', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key)
    const res = await raw(
      '/validate',
      JSON.stringify(c.envelope(c.body({ license_key: key, hwid: 'h' }))),
    )
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual([
      'data',
      'encrypted',
      'iv',
      'signature',
      'tag',
      'timestamp',
    ])
    expect(res.body.iv).toMatch(/^[0-9a-f]{24}$/)
    const expectedSig = createHmac('sha256', product.secret_key)
      .update(`${res.body.iv}:${res.body.data}:${res.body.tag}:${res.body.timestamp}`)
      .digest('hex')
    expect(res.body.signature).toBe(expectedSig)
    expect(c.decrypt(res.body as never)).toMatchObject({ success: true, data: { valid: true } })
  })

  it('accepts the Go SDK sealing (first 12 bytes of a 16-byte IV as the nonce)', async () => {
    const { product, key } = await seed(srv)
    const iv = randomBytes(16)
    const c = createCipheriv(
      'aes-256-gcm',
      Buffer.from(product.secret_key).subarray(0, 32),
      iv.subarray(0, 12),
    )
    const body = JSON.stringify({ license_key: key, hwid: 'h', product_id: product.id })
    const data = Buffer.concat([c.update(body), c.final()]).toString('hex')
    const tag = c.getAuthTag().toString('hex')
    const ts = Date.now()
    const signature = createHmac('sha256', product.secret_key)
      .update(`${iv.toString('hex')}:${data}:${tag}:${ts}`)
      .digest('hex')
    const res = await raw(
      '/validate',
      JSON.stringify({
        encrypted: true,
        iv: iv.toString('hex'),
        data,
        tag,
        signature,
        product_id: product.id,
        timestamp: ts,
      }),
    )
    expect(res.status).toBe(200)
  })

  it('bad HMAC → 403 SECURITY_VIOLATION + tamper_detected', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key)
    const env = c.envelope(c.body({ license_key: key, hwid: 'h' }))
    env.signature = createHmac('sha256', 'sk_live_wrong').update('x').digest('hex')
    const before = await lastEventId()
    const res = await raw('/validate', JSON.stringify(env))
    expect(res.status).toBe(403)
    expect(res.body).toEqual({
      success: false,
      message: 'Invalid request signature',
      error_code: 'SECURITY_VIOLATION',
    })
    expect(await typesSince(before)).toContain('tamper_detected')
  })

  it('stale and future timestamps → 403 + replay_attack; the window is configurable', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key)
    for (const ts of [Date.now() - 6 * 60_000, Date.now() + 6 * 60_000]) {
      const before = await lastEventId()
      const res = await raw(
        '/validate',
        JSON.stringify(c.envelope(c.body({ license_key: key, hwid: 'h' }), ts)),
      )
      expect(res.status).toBe(403)
      expect(res.body.message).toBe('Request timestamp outside the allowed window')
      expect(await typesSince(before)).toContain('replay_attack')
    }
    // Through the setting, as an admin changes it: configuring the engine directly was undone
    // whenever the settings watch re-applied the stored value (seen on PostgreSQL under load).
    const settings = srv.runtime.services.settings
    await settings.update(CONSOLE, { envelope_window_seconds: 600 })
    try {
      const res = await raw(
        '/validate',
        JSON.stringify(
          c.envelope(c.body({ license_key: key, hwid: 'h' }), Date.now() - 6 * 60_000),
        ),
      )
      expect(res.status).toBe(200)
    } finally {
      await settings.update(CONSOLE, { envelope_window_seconds: 300 })
    }
  })

  it('a replayed envelope → 403 "Replayed request"', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key)
    const env = JSON.stringify(c.envelope(c.body({ license_key: key, hwid: 'h' })))
    expect((await raw('/validate', env)).status).toBe(200)
    const again = await raw('/validate', env)
    expect(again.status).toBe(403)
    expect(again.body).toMatchObject({
      error_code: 'SECURITY_VIOLATION',
      message: 'Replayed request',
    })
  })

  it('ciphertext that does not authenticate, non-JSON plaintext, unknown product, malformed fields', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key)
    const sign = (e: Record<string, unknown>) =>
      createHmac('sha256', product.secret_key)
        .update(`${e.iv}:${e.data}:${e.tag}:${e.timestamp}`)
        .digest('hex')
    const env = c.envelope(c.body({ license_key: key, hwid: 'h' }))
    const flipped: Record<string, unknown> = {
      ...env,
      data: (env.data as string).replace(/^../, (h) =>
        ((parseInt(h, 16) ^ 1) + 256).toString(16).slice(1),
      ),
    }
    flipped.signature = sign(flipped)
    const bad = await raw('/validate', JSON.stringify(flipped))
    expect(bad.status).toBe(403)
    expect(bad.body.message).toBe('Request could not be decrypted')

    const notJson = { ...c.envelope({}), ...c.encrypt('x') } as Record<string, unknown>
    const iv = randomBytes(16)
    const ci = createCipheriv('aes-256-gcm', Buffer.from(product.secret_key).subarray(0, 32), iv)
    notJson.iv = iv.toString('hex')
    notJson.data = Buffer.concat([ci.update('not json'), ci.final()]).toString('hex')
    notJson.tag = ci.getAuthTag().toString('hex')
    notJson.signature = sign(notJson)
    const nj = await raw('/validate', JSON.stringify(notJson))
    expect(nj.status).toBe(400)
    expect(nj.body).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      message: 'Encrypted payload is not valid JSON',
    })

    const unknown = await raw(
      '/validate',
      JSON.stringify({ ...env, product_id: '00000000-0000-0000-0000-000000000000' }),
    )
    expect(unknown.status).toBe(404)
    expect(unknown.body.error_code).toBe('PRODUCT_NOT_FOUND')

    const malformed = await raw('/validate', JSON.stringify({ ...env, iv: 'zz', tag: undefined }))
    expect(malformed.status).toBe(400)
    expect(malformed.body.error_code).toBe('VALIDATION_ERROR')
    expect(malformed.body.message).toMatch(/iv/)
    expect(malformed.body.message).toMatch(/tag/)
    const noTs = await raw('/validate', JSON.stringify({ ...env, timestamp: 'yesterday' }))
    expect(noTs.status).toBe(400)
    expect(noTs.body.message).toMatch(/timestamp/)
  })
})

describe('bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['malformed JSON', '{"license_key": ', /Malformed JSON/],
    ['a JSON array', '[1,2]', /JSON object/],
    ['missing license_key', JSON.stringify({ product_id: 'p', hwid: 'h' }), /license_key/],
    ['missing product_id', JSON.stringify({ license_key: 'K', hwid: 'h' }), /product_id/],
    [
      'hwid of the wrong type',
      JSON.stringify({ license_key: 'K', product_id: 'p', hwid: 123 }),
      /hwid/,
    ],
    [
      'client_data of the wrong type',
      JSON.stringify({ license_key: 'K', product_id: 'p', client_data: 'x' }),
      /client_data/,
    ],
    ['an empty license_key', JSON.stringify({ license_key: '', product_id: 'p' }), /license_key/],
  ]
  for (const [name, body, msg] of cases) {
    it(`${name} → 400 VALIDATION_ERROR`, async () => {
      const res = await raw('/validate', body)
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
      expect(res.body.message).toMatch(msg)
    })
  }

  it('activate without hwid, heartbeat without session_token, a non-hex challenge response → 400', async () => {
    const base = { license_key: 'K', product_id: 'p' }
    expect((await raw('/activate', JSON.stringify(base))).body.message).toMatch(/hwid/)
    expect((await raw('/heartbeat', JSON.stringify({ ...base, hwid: 'h' }))).body.message).toMatch(
      /session_token/,
    )
    const vc = await raw(
      '/verify-challenge',
      JSON.stringify({ ...base, hwid: 'h', challenge: 'c', response: 'nothex' }),
    )
    expect(vc.status).toBe(400)
    expect(vc.body.message).toMatch(/response/)
  })

  it('an empty JSON body → 400, a huge body → 413, a text/plain body → 400', async () => {
    expect((await raw('/validate', '')).status).toBe(400)
    const huge = await raw(
      '/validate',
      JSON.stringify({ license_key: 'K', product_id: 'p', pad: 'x'.repeat(100_000) }),
    )
    expect(huge.status).toBe(413)
    expect(huge.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' })
    const text = await raw('/validate', 'hello', 'text/plain')
    expect(text.status).toBe(400)
    expect(text.body).toMatchObject({ success: false, message: 'Body must be a JSON object' })
  })
})

describe('validation rate limit', () => {
  it('per license per IP from the product policy: 429 RATE_LIMITED with Retry-After, logged once', async () => {
    const { product, license, key } = await seed(srv, {}, { validate_per_minute: 3 })
    const body = JSON.stringify({ license_key: key, product_id: product.id, hwid: 'h' })
    for (let i = 0; i < 3; i++) expect((await raw('/validate', body)).status).toBe(200)
    for (let i = 0; i < 3; i++) {
      const res = await raw('/validate', body)
      expect(res.status).toBe(429)
      expect(res.body).toMatchObject({ success: false, error_code: 'RATE_LIMITED' })
      const retry = Number(res.headers.get('retry-after'))
      expect(retry).toBeGreaterThanOrEqual(1)
      expect(retry).toBeLessThanOrEqual(60)
    }
    // Another key is counted on its own.
    const other = await seed(srv, {}, { validate_per_minute: 3 })
    expect(
      (
        await raw(
          '/validate',
          JSON.stringify({ license_key: other.key, product_id: other.product.id, hwid: 'h' }),
        )
      ).status,
    ).toBe(200)
    const limited = await db().one<{ n: number }>`SELECT COUNT(*) AS n FROM events
      WHERE license_id = ${license.id} AND type = 'rate_limit_exceeded'`
    expect(limited!.n).toBe(1)
  })
})

describe('server keys', () => {
  it('RSA-4096 generated on first start, owner-only, served and in ServerStatus, reused after restart', async () => {
    // A bare data directory (startTestServer seeds a shared key; this one must generate its own).
    const dir = mkdtempSync(join(tmpdir(), 'kw-keys-'))
    try {
      const first = await startRuntime({
        dataDir: dir,
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
      })
      let pem: string
      try {
        const res = await fetch(`${first.server!.url}/api/client/public-key`)
        const body = (await res.json()) as { data: { public_key: string; key_size: number } }
        expect(res.status).toBe(200)
        pem = body.data.public_key
        expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n?$/)
        expect(createPublicKey(pem).asymmetricKeyDetails?.modulusLength).toBe(4096)
        expect(body.data.key_size).toBe(4096)
        const priv = rsaPrivateKeyPath(dir)
        expect(statSync(priv).mode & 0o777).toBe(0o600)
        expect(statSync(dirname(priv)).mode & 0o077).toBe(0)
        expect(readFileSync(priv, 'utf8')).toMatch(/BEGIN PRIVATE KEY/)
        expect(first.status().public_key).toBe(pem)
      } finally {
        await first.close()
      }
      // A second start on the same data directory signs with the same key.
      const again = await startRuntime({
        dataDir: dir,
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
      })
      try {
        const r2 = await fetch(`${again.server!.url}/api/client/public-key`).then(
          (r) => r.json() as Promise<{ data: { public_key: string } }>,
        )
        expect(r2.data.public_key).toBe(pem)
      } finally {
        await again.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
