import { createHash, createVerify } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { startTestServer, type TestServer } from '../helpers/server'
import { WireClient, seed } from '../helpers/licensecm-client'
import { vendor, v0 } from './sellrealm-helpers'
import { dbOf, jsonText } from '../helpers/db'

/**
 * Issue 11.5: client checks that cannot be stripped. A machine-bound license is never
 * validated without a machine, on any protocol; signed answers name the key (by digest) and
 * echo the client's nonce, so a captured answer neither fits another key nor replays.
 */
let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.stop())

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')
const db = () => dbOf(srv.runtime.store)

/** Python's json.dumps(str) with ensure_ascii (as the Python SDK hashes `data["data"]`). */
function pythonJsonDumps(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (ch) =>
    ch === '\u007f' ? ch : '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'),
  )
}

describe('hwid is required to validate a machine-bound license, on every protocol', () => {
  const HWID_REQUIRED = 'hwid: is required for this license'

  it.each([
    { name: 'LicenseCM plain JSON', encrypted: false },
    { name: 'LicenseCM encrypted envelope', encrypted: true },
  ])('$name: validate without hwid → 400 VALIDATION_ERROR, recorded', async ({ encrypted }) => {
    const { product, license, key } = await seed(srv, { hwid_locked: true, max_uses: 1 })
    const c = new WireClient(srv.url, product.id, product.secret_key, encrypted)
    await c.fetchPublicKey()
    await c.request('/activate', { license_key: key, hwid: 'machine-A' })
    await expect(c.request('/validate', { license_key: key })).rejects.toThrow(HWID_REQUIRED)
    expect(c.lastStatus).toBe(400)
    expect(c.lastRaw).toEqual({
      success: false,
      message: HWID_REQUIRED,
      error_code: 'VALIDATION_ERROR',
    })
    const ev = await db().all`SELECT blocked,
        ${jsonText(srv.runtime.store, 'details', 'error_code')} AS code FROM events
      WHERE license_id = ${license.id} AND type = 'license_validation'`
    expect(ev).toEqual([{ blocked: 1, code: 'VALIDATION_ERROR' }])
    // The bound machine, named, still validates.
    expect((await c.request('/validate', { license_key: key, hwid: 'machine-A' })).valid).toBe(true)
  })

  it('LicenseCM: an unlocked license with a machine limit needs hwid too', async () => {
    const { product, key } = await seed(srv, { hwid_locked: false, max_uses: 3 })
    const r = await srv.json('/api/client/validate', {
      body: { license_key: key, product_id: product.id },
    })
    expect(r.status).toBe(400)
    expect(r.body).toEqual({
      success: false,
      message: HWID_REQUIRED,
      error_code: 'VALIDATION_ERROR',
    })
  })

  it('LicenseCM: the status decides first — a banned key without hwid reads as banned', async () => {
    const { product, license, key } = await seed(srv)
    await db().run`UPDATE licenses SET status = 'banned' WHERE id = ${license.id}`
    const r = await srv.json('/api/client/validate', {
      body: { license_key: key, product_id: product.id },
    })
    expect(r.status).toBe(403)
    expect(r.body.error_code).toBe('LICENSE_BANNED')
  })

  describe('SellRealm v0', () => {
    let secret: string
    let productNum: number
    let newKey: () => Promise<string>
    beforeAll(async () => {
      const v = await vendor(srv, 'checks-vendor@example.com')
      secret = v.authSecret
      const p = await srv.runtime.services.products.create(v.actor, {
        name: 'Checked Game',
        policy: { validate_per_minute: 1000 },
      })
      productNum = p.num
      newKey = async () =>
        (
          await srv.runtime.services.licenses.create(v.actor, {
            product_id: p.id,
            hwid_locked: true,
          })
        ).license_key
    })

    it('login without hwid → 400 in SellRealm’s shape', async () => {
      const key = await newKey()
      const r = await v0(srv, { key, auth_secret: secret, product_id: productNum })
      expect(r).toEqual({
        status: 400,
        body: { status: 'error', message: 'Missing required parameter: hwid' },
      })
    })

    it('check_session on a session that names no machine → 400 in SellRealm’s shape', async () => {
      const key = await newKey()
      const login = await v0(srv, {
        key,
        hwid: 'HWID-S',
        auth_secret: secret,
        product_id: productNum,
      })
      expect(login.status).toBe(200)
      // A session row without its machine (as a stripped or legacy session would be).
      await db().run`UPDATE sessions SET hwid = NULL`
      const r = await v0(srv, {
        type: 'check_session',
        session_id: login.body.session_id,
        nonce: login.body.nonce,
        auth_secret: secret,
        product_id: productNum,
      })
      expect(r).toEqual({ status: 400, body: { status: 'error', message: HWID_REQUIRED } })
    })
  })
})

describe('signed answers are bound to the request', () => {
  it('every signed answer names the key by SHA-256 and echoes the nonce; SDK checks still pass', async () => {
    const { product, key } = await seed(srv)
    // The SDK client (encrypted, verifies every signature itself) with an added nonce field.
    const c = new WireClient(srv.url, product.id, product.secret_key)
    await c.fetchPublicKey()
    const hwid = 'h'.repeat(64)
    const steps = [
      ['/activate', { license_key: key, hwid, nonce: 'n-activate-1' }],
      ['/validate', { license_key: key, hwid, nonce: 'n-validate-1' }],
      ['/heartbeat', { license_key: key, hwid, nonce: 'n-heartbeat-1' }],
    ] as const
    for (const [path, body] of steps) {
      const a = await c.request(path, body)
      expect(JSON.parse(a.data), path).toMatchObject({
        license_key_sha256: sha256(key),
        nonce: body.nonce,
      })
    }
    const challenge = (await c.request('/heartbeat', { license_key: key, hwid })).challenge
    const vc = await c.verifyChallenge(key, hwid, challenge)
    expect(JSON.parse(vc.data)).toMatchObject({ license_key_sha256: sha256(key) })
    const de = await c.request('/deactivate', { license_key: key, hwid, nonce: 'n-de' })
    expect(JSON.parse(de.data)).toMatchObject({ license_key_sha256: sha256(key), nonce: 'n-de' })
    // No nonce sent: none in the signed data (the existing fields are unchanged).
    const plain = await c.request('/activate', { license_key: key, hwid })
    const signed = JSON.parse(plain.data)
    expect(signed).toMatchObject({ action: 'activate', activated: true, hwid })
    expect('nonce' in signed).toBe(false)
    expect(c.violations).toEqual([])
  })

  it('a captured answer for license A does not pass as an answer for license B or a new request', async () => {
    const a = await seed(srv)
    // Same product for both keys: only the key tells the answers apart.
    const keyB = (
      await srv.runtime.services.licenses.create(CONSOLE, {
        product_id: a.product.id,
        hwid_locked: true,
      })
    ).license_key
    const c = new WireClient(srv.url, a.product.id, a.product.secret_key, false)
    const pem = await c.fetchPublicKey()
    const validate = async (key: string, nonce: string) =>
      (await c.request('/validate', { license_key: key, hwid: 'same-machine', nonce })) as {
        data: string
        signature: string
      }
    const captured = await validate(a.key, 'nonce-1')
    const own = await validate(keyB, 'nonce-2')

    /** What a client of `key` that sent `nonce` accepts: a valid signature over its own key and nonce. */
    const accepts = (ans: { data: string; signature: string }, key: string, nonce: string) => {
      const node = createVerify('RSA-SHA512').update(JSON.stringify(ans.data))
      const python = createVerify('RSA-SHA512').update(pythonJsonDumps(ans.data))
      const d = JSON.parse(ans.data)
      return {
        node: node.verify(pem, ans.signature, 'base64'),
        python: python.verify(pem, ans.signature, 'base64'),
        boundToKey: d.license_key_sha256 === sha256(key),
        boundToNonce: d.nonce === nonce,
      }
    }
    expect(accepts(own, keyB, 'nonce-2')).toEqual({
      node: true,
      python: true,
      boundToKey: true,
      boundToNonce: true,
    })
    // A's answer is genuinely signed, but names A's key and A's nonce.
    expect(accepts(captured, keyB, 'nonce-2')).toEqual({
      node: true,
      python: true,
      boundToKey: false,
      boundToNonce: false,
    })
    expect(JSON.parse(captured.data).license_key_sha256).toBe(sha256(a.key))
    // Rewriting the digest to B's breaks the signature.
    const forged = captured.data.replace(sha256(a.key), sha256(keyB))
    expect(
      createVerify('RSA-SHA512')
        .update(JSON.stringify(forged))
        .verify(pem, captured.signature, 'base64'),
    ).toBe(false)
  })
})
