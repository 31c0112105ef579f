import { execFile, execFileSync } from 'node:child_process'
import { createVerify } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { startTestServer, type TestServer } from '../helpers/server'
import { WireClient, seed } from '../helpers/licensecm-client'
import { listLicensesSchema } from '@shared/schemas'

/** Python's `json.dumps(str)` (ensure_ascii=True): non-ASCII as \\uXXXX, the rest as JSON. */
function pythonJsonDumps(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (ch) =>
    ch === '\u007f' ? ch : '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'),
  )
}

/**
 * The full client lifecycle exactly as the official Node.js SDK puts it on the wire
 * (cmappseu/LicenseCM-SDK nodejs/index.js, reproduced in test/helpers/licensecm-client.ts):
 * encryption on, server-signature verification on.
 */
describe('LicenseCM SDK compatibility (encrypted, signature-verified)', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer()
  })
  afterAll(async () => {
    await srv.stop()
  })

  it('activate → validate → heartbeat (token rotation) → verify-challenge → deactivate', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key)
    const pem = await c.fetchPublicKey()
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
    const hwid = 'a'.repeat(64)

    // activate: the answer arrives encrypted, its signature verifies, the session is taken.
    const act = await c.request('/activate', { license_key: key, hwid })
    expect(c.lastRaw!.encrypted).toBe(true)
    expect(c.lastRaw!.success).toBeUndefined() // nothing readable outside the envelope
    expect(act.activated).toBe(true)
    expect(act.license).toEqual({
      type: 'subscription',
      expires_at: expect.any(String),
      metadata: { plan: 'pro' },
    })
    expect(typeof act.session.token).toBe('string')
    expect(new Date(act.session.expires_at).getTime()).toBeGreaterThan(Date.now())
    expect(act.challenge).toMatch(/^[0-9a-f]{72}$/)
    expect(act.watermark).toMatch(/^[0-9a-f]{32}$/)
    expect(c.sessionToken).toBe(act.session.token)
    const signedActivate = JSON.parse(act.data)
    expect(signedActivate).toMatchObject({
      action: 'activate',
      hwid,
      challenge: act.challenge,
      watermark: act.watermark,
    })

    // validate
    const val = await c.request('/validate', { license_key: key, hwid })
    expect(val.valid).toBe(true)
    expect(val.watermark).toBe(act.watermark) // per license, stable
    expect(JSON.parse(val.data)).toMatchObject({
      action: 'validate',
      valid: true,
      product_id: product.id,
    })

    // heartbeat: the token rotates, the old one stops working.
    const firstToken = c.sessionToken!
    const hb = await c.request('/heartbeat', { license_key: key, hwid })
    expect(hb.valid).toBe(true)
    expect(hb.new_token).not.toBe(firstToken)
    expect(c.sessionToken).toBe(hb.new_token)
    const stale = new WireClient(srv.url, product.id, product.secret_key)
    stale.sessionToken = firstToken
    await expect(stale.request('/heartbeat', { license_key: key, hwid })).rejects.toThrow(
      /expired or invalid/,
    )

    // verify-challenge with the heartbeat's fresh challenge; a second answer is a replay.
    const vc = await c.verifyChallenge(key, hwid, hb.challenge)
    expect(vc.valid).toBe(true)
    await expect(c.verifyChallenge(key, hwid, hb.challenge)).rejects.toThrow(
      'Challenge already used',
    )
    expect(c.lastStatus).toBe(403)

    // deactivate frees the machine: the session dies and another machine may activate.
    const de = await c.request('/deactivate', { license_key: key, hwid })
    expect(de.deactivated).toBe(true)
    await expect(c.request('/heartbeat', { license_key: key, hwid })).rejects.toThrow(
      /expired or invalid/,
    )
    c.sessionToken = null
    const other = await c.request('/activate', { license_key: key, hwid: 'b'.repeat(64) })
    expect(other.activated).toBe(true)
  })

  it('every refusal surfaces as the SDK error message (plain JSON, even for an encrypted request)', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key)
    await c.fetchPublicKey()
    await c.request('/activate', { license_key: key, hwid: 'h1' })
    c.sessionToken = null
    await expect(c.request('/activate', { license_key: key, hwid: 'h2' })).rejects.toThrow(
      'Hardware ID does not match this license',
    )
    expect(c.lastStatus).toBe(403)
    expect(c.lastRaw).toMatchObject({ success: false, error_code: 'HWID_MISMATCH' })
    await expect(
      c.request('/validate', { license_key: 'NOPE-NOPE-NOPE-NOPE', hwid: 'h1' }),
    ).rejects.toThrow('Invalid license key')
    expect(c.lastStatus).toBe(404)
  })

  it('the signature also verifies the way the Python SDK checks it: json.dumps(data["data"])', async () => {
    const { product, license, key } = await seed(srv)
    // Metadata with non-ASCII and HTML characters: where serialisers differ most.
    await srv.runtime.services.licenses.update(CONSOLE, license.id, {
      metadata: { note: 'Ünïcode <b> & "q" \u2028 ✓' },
    })
    const c = new WireClient(srv.url, product.id, product.secret_key)
    await c.fetchPublicKey()
    const data = await c.request('/validate', { license_key: key, hwid: 'h' })
    expect(data.license.metadata.note).toBe('Ünïcode <b> & "q" \u2028 ✓')
    expect(JSON.parse(data.data).license.metadata.note).toBe('Ünïcode <b> & "q" \u2028 ✓')
    // pycryptodome: SHA512.new(json.dumps(data).encode()) + pkcs1_15 — json.dumps escapes non-ASCII.
    const v = createVerify('RSA-SHA512')
    v.update(pythonJsonDumps(data.data))
    expect(v.verify(c.publicKey!, data.signature, 'base64')).toBe(true)
  })

  it('a tampered server signature is caught by the SDK check', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key, false)
    await c.fetchPublicKey()
    const res = await fetch(`${srv.url}/api/client/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(c.body({ license_key: key, hwid: 'x' })),
    })
    const body = (await res.json()) as { data: { data: string; signature: string } }
    expect(c.verifySignature(body.data.data, body.data.signature)).toBe(true)
    const forged = body.data.data.replace('"valid":true', '"valid":false')
    expect(forged).not.toBe(body.data.data)
    expect(c.verifySignature(forged, body.data.signature)).toBe(false)
  })
})

/** Is there a python3 with the `cryptography` package (the Python client below needs it)? */
function pythonWithCryptography(): boolean {
  try {
    execFileSync('python3', ['-c', 'import cryptography.hazmat.primitives.ciphers.aead'], {
      stdio: 'ignore',
    })
    return true
  } catch {
    return false
  }
}

// Runs wherever python3 has `cryptography`; CI (CI=true) always runs it, so it can never be skipped there.
describe.runIf(pythonWithCryptography() || process.env.CI === 'true')(
  'a Python client on the wire (json.dumps, pycryptodome-style checks)',
  () => {
    let srv: TestServer
    beforeAll(async () => {
      srv = await startTestServer()
    })
    afterAll(async () => {
      await srv.stop()
    })

    it('runs the lifecycle encrypted with signature checks and reads each error message', async () => {
      const { product, key } = await seed(srv)
      await srv.runtime.services.licenses.update(
        CONSOLE,
        (await srv.runtime.services.licenses.list(CONSOLE, listLicensesSchema.parse({ q: key })))
          .items[0].id,
        {
          metadata: { note: 'Ünïcode <b> & ✓' },
        },
      )
      const script = join(import.meta.dirname, '..', 'fixtures', 'licensecm_client.py')
      // Async: the server answers from this very process.
      const { stdout } = await promisify(execFile)('python3', [
        script,
        srv.url,
        product.id,
        product.secret_key,
        key,
      ])
      expect(JSON.parse(stdout)).toEqual({
        activated: true,
        validated: true,
        rotated: true,
        challenge: true,
        deactivated: true,
        errors: { not_found: 'Invalid license key', stale_session: 'Session expired or invalid' },
      })
    })
  },
)
