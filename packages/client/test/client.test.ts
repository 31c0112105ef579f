import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConfigurationError,
  HwidMismatchError,
  InvalidSignatureError,
  KeywardenClient,
  KeywardenError,
  LicenseBannedError,
  LicenseExpiredError,
  LicenseNotFoundError,
  LicenseSuspendedError,
  MaxUsesExceededError,
  ProductNotFoundError,
  RateLimitedError,
  SessionExpiredError,
  ValidationError,
  errorFor,
} from '../src/index.js'
import { sdkServer, type SdkServer } from './setup'

let s: SdkServer
beforeAll(async () => {
  s = await sdkServer()
})
afterAll(async () => {
  await s.srv.stop()
})

const mgmt = (path: string, body: unknown, method = 'POST') =>
  s.srv.json(path, { method, body, headers: { authorization: `Bearer ${s.admin}` } })

describe('online calls against a real server, every answer verified against the pinned RSA key', () => {
  it('activate → validate → heartbeat (token rotates) → deactivate', async () => {
    const { product, key } = await s.seed({ max_uses: 1 })
    const c = s.client(product.id)
    const m = { licenseKey: key, hwid: 'sdk-hw-1' }
    const a = await c.activate(m)
    expect(a.valid).toBe(true)
    expect(a.session.token).toMatch(/\S{20,}/)
    expect(a.signed).toMatchObject({ action: 'activate', activated: true, hwid: 'sdk-hw-1' })
    expect(a.license).toMatchObject({ type: 'subscription', metadata: { plan: 'pro' } })
    const v = await c.validate(m)
    expect(v.signed).toMatchObject({ action: 'validate', valid: true, product_id: product.id })
    const first = c.sessionToken
    const h = await c.heartbeat(m)
    expect(h.signed).toMatchObject({ action: 'heartbeat', valid: true })
    expect(c.sessionToken).not.toBe(first)
    const d = await c.deactivate(m)
    expect(d).toEqual({ deactivated: true, sessions_closed: 1 })
    expect(c.sessionToken).toBeNull()
  })

  it("each refusal is its own error class, with the server's code, status and message", async () => {
    const { product, license, key } = await s.seed({ max_uses: 1 })
    const c = s.client(product.id)
    await c.activate({ licenseKey: key, hwid: 'one' })
    const other = (await s.seed()).product.id
    const cases: [() => Promise<unknown>, new (...a: never[]) => KeywardenError, string, number][] =
      [
        [
          () => c.validate({ licenseKey: 'NOPE', hwid: 'x' }),
          LicenseNotFoundError,
          'LICENSE_NOT_FOUND',
          404,
        ],
        [
          () => c.activate({ licenseKey: key, hwid: 'two' }),
          HwidMismatchError,
          'HWID_MISMATCH',
          403,
        ],
        [
          () => s.client(other).validate({ licenseKey: key, hwid: 'one' }),
          ProductNotFoundError,
          'PRODUCT_NOT_FOUND',
          404,
        ],
        [() => c.validate({ licenseKey: key, hwid: '' }), ValidationError, 'VALIDATION_ERROR', 400],
      ]
    for (const [p, E, code, status] of cases) {
      const e = await p().then(
        () => null,
        (x: unknown) => x,
      )
      expect(e).toBeInstanceOf(E)
      expect(e).toBeInstanceOf(KeywardenError)
      expect(e).toMatchObject({ code, status })
    }
    await mgmt(`/api/licenses/${license.id}`, { status: 'suspended' }, 'PUT')
    await expect(c.validate({ licenseKey: key, hwid: 'one' })).rejects.toBeInstanceOf(
      LicenseSuspendedError,
    )
    // The suspension ended the session: its heartbeat is refused as such.
    await mgmt(`/api/licenses/${license.id}`, { status: 'active' }, 'PUT')
    await expect(c.heartbeat({ licenseKey: key, hwid: 'one' })).rejects.toBeInstanceOf(
      SessionExpiredError,
    )
    await mgmt(`/api/licenses/${license.id}/ban`, { reason: 'abuse' })
    const banned = await c.validate({ licenseKey: key, hwid: 'one' }).catch((x) => x)
    expect(banned).toBeInstanceOf(LicenseBannedError)
    expect(banned.message).toBe('Key has been banned')
  })

  it('expired and over-limit keys', async () => {
    const past = await s.seed({ expires_at: new Date(Date.now() - 1000).toISOString() })
    await expect(
      s.client(past.product.id).validate({ licenseKey: past.key, hwid: 'h' }),
    ).rejects.toBeInstanceOf(LicenseExpiredError)
    const full = await s.seed({ max_uses: 1, hwid_locked: false })
    const c = s.client(full.product.id)
    await c.activate({ licenseKey: full.key, hwid: 'a' })
    await expect(c.activate({ licenseKey: full.key, hwid: 'b' })).rejects.toBeInstanceOf(
      MaxUsesExceededError,
    )
  })

  it('refuses answers that do not verify under the pinned key, and refuses to run unpinned', async () => {
    const { product, key } = await s.seed()
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const wrongPin = other.publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const c = s.client(product.id, { publicKeys: { rsa: wrongPin } })
    const e = await c.validate({ licenseKey: key, hwid: 'h' }).catch((x) => x)
    expect(e).toBeInstanceOf(InvalidSignatureError)
    expect(e.message).toBe("The answer's signature does not verify")
    expect(() => s.client(product.id, { publicKeys: {} })).toThrow(ConfigurationError)
    expect(() => s.client(product.id, { publicKeys: {} })).toThrow(
      /Pin the server's RSA public key/,
    )
    // A captured answer for another key (or a replayed one) is refused even though it is signed.
    const real = await s.client(product.id).validate({ licenseKey: key, hwid: 'h' })
    const replaying = s.client(product.id, {
      fetch: async () =>
        new Response(
          JSON.stringify({ success: true, data: { ...real, data: JSON.stringify(real.signed) } }),
          {
            status: 200,
          },
        ),
    })
    // `real.signed` is the parsed payload; re-stringified it no longer matches its signature.
    await expect(replaying.validate({ licenseKey: key, hwid: 'h' })).rejects.toBeInstanceOf(
      InvalidSignatureError,
    )
  })

  it('a real 429 from the per-license validate limit is RateLimitedError with retryAfter', async () => {
    const { product, key } = await s.seed({}, { validate_per_minute: 2 })
    const c = s.client(product.id, { retry: { retries: 0 } })
    const m = { licenseKey: key, hwid: 'rl' }
    await c.validate(m)
    await c.validate(m)
    const e = await c.validate(m).catch((x) => x)
    expect(e).toBeInstanceOf(RateLimitedError)
    expect(e.status).toBe(429)
    expect(e.retryAfter).toBeGreaterThan(0)
  })

  it('carries grace_until and a warning code through when the server sends them', async () => {
    const c = new KeywardenClient({
      baseUrl: 'http://server.invalid',
      productId: 'p',
      publicKeys: {},
      verifyAnswers: false,
      fetch: async () =>
        new Response(
          JSON.stringify({
            success: true,
            data: {
              valid: true,
              grace_until: '2027-01-01T00:00:00.000Z',
              warning: 'LICENSE_IN_GRACE',
              data: JSON.stringify({ action: 'validate' }),
              signature: 'unchecked',
            },
          }),
        ),
    })
    const v = await c.validate({ licenseKey: 'k', hwid: 'h' })
    expect(v).toMatchObject({
      grace_until: '2027-01-01T00:00:00.000Z',
      warning: 'LICENSE_IN_GRACE',
    })
  })

  it('errorFor maps every server code to its class, and unknown codes to KeywardenError', () => {
    expect(errorFor('LICENSE_BANNED', 'x')).toBeInstanceOf(LicenseBannedError)
    const u = errorFor('SOMETHING_NEW', 'y', { status: 418 })
    expect(u.constructor).toBe(KeywardenError)
    expect(u).toMatchObject({ code: 'SOMETHING_NEW', status: 418, message: 'y' })
  })
})
