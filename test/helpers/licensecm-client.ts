import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createVerify,
  randomBytes,
} from 'node:crypto'
import { CONSOLE } from '../../src/main/services/context'
import type { TestServer } from './server'

/**
 * A LicenseCM client on the wire, written from how the official Node.js SDK behaves
 * (cmappseu/LicenseCM-SDK, nodejs/index.js): `request()` merges `product_id`, `client_data`
 * and the current `session_token` into the body; with encryption it AES-256-GCM-encrypts that
 * body under the first 32 bytes of the secret key (16-byte random IV, hex iv/data/tag) and sends
 * `{encrypted, iv, data, tag, signature: HMAC-SHA256(secret, "iv:data:tag:timestamp"), product_id,
 * timestamp}`; an answer with `encrypted` is decrypted the same way; on success with
 * `data.signature` it verifies RSA-SHA512 over `JSON.stringify(data.data)` with the PEM from
 * /api/client/public-key; `data.new_token` and `data.session.token` replace the session token;
 * an answer without `success` rejects with `new Error(message)` (and `security_blocked` calls
 * onSecurityViolation). Our own code, not the SDK's.
 */
export class WireClient {
  sessionToken: string | null = null
  publicKey: string | null = null
  violations: unknown[] = []
  lastStatus = 0
  lastRaw: Record<string, unknown> | null = null

  constructor(
    readonly url: string,
    readonly productId: string,
    readonly secretKey: string,
    readonly useEncryption = true,
  ) {}

  encrypt(body: unknown): { iv: string; data: string; tag: string } {
    const iv = randomBytes(16)
    const key = Buffer.from(this.secretKey, 'utf8').subarray(0, 32)
    const c = createCipheriv('aes-256-gcm', key, iv)
    const data = Buffer.concat([c.update(JSON.stringify(body), 'utf8'), c.final()])
    return {
      iv: iv.toString('hex'),
      data: data.toString('hex'),
      tag: c.getAuthTag().toString('hex'),
    }
  }

  decrypt(e: { iv: string; data: string; tag: string }): Record<string, unknown> {
    const key = Buffer.from(this.secretKey, 'utf8').subarray(0, 32)
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(e.iv, 'hex'))
    d.setAuthTag(Buffer.from(e.tag, 'hex'))
    const out = Buffer.concat([d.update(Buffer.from(e.data, 'hex')), d.final()]).toString('utf8')
    return JSON.parse(out) as Record<string, unknown>
  }

  /** The envelope body the SDK posts for `body` (exposed so tests can tamper or replay it). */
  envelope(body: Record<string, unknown>, timestamp = Date.now()): Record<string, unknown> {
    const enc = this.encrypt(body)
    const signature = createHmac('sha256', this.secretKey)
      .update(`${enc.iv}:${enc.data}:${enc.tag}:${timestamp}`)
      .digest('hex')
    return { encrypted: true, ...enc, signature, product_id: this.productId, timestamp }
  }

  async fetchPublicKey(): Promise<string> {
    const res = await fetch(`${this.url}/api/client/public-key`)
    const parsed = (await res.json()) as { success: boolean; data?: { public_key?: string } }
    if (!parsed.success || !parsed.data?.public_key) throw new Error('Failed to fetch public key')
    this.publicKey = parsed.data.public_key
    return this.publicKey
  }

  verifySignature(data: unknown, signature: string): boolean {
    const v = createVerify('RSA-SHA512')
    v.update(JSON.stringify(data))
    return v.verify(this.publicKey!, signature, 'base64')
  }

  /** Posts a raw body and applies the SDK's answer handling. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async post(endpoint: string, raw: unknown): Promise<Record<string, any>> {
    const res = await fetch(`${this.url}/api/client${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(raw),
    })
    this.lastStatus = res.status
    let parsed = (await res.json()) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    this.lastRaw = parsed
    if (parsed.encrypted && this.useEncryption) parsed = this.decrypt(parsed as never)
    if (parsed.success) {
      if (parsed.data?.signature && this.publicKey) {
        if (!this.verifySignature(parsed.data.data, parsed.data.signature)) {
          this.violations.push({ type: 'invalid_signature' })
          throw new Error('Invalid server signature')
        }
      }
      if (parsed.data?.new_token) this.sessionToken = parsed.data.new_token
      if (parsed.data?.session) this.sessionToken = parsed.data.session.token
      return parsed.data
    }
    if (parsed.security_blocked) {
      this.violations.push({
        type: 'blocked',
        reason: parsed.message,
        details: parsed.security_details,
      })
    }
    throw new Error(parsed.message)
  }

  /** The body `request()` builds before encryption. */
  body(data: Record<string, unknown>, clientData: Record<string, unknown> = defaultClientData()) {
    const body: Record<string, unknown> = {
      ...data,
      product_id: this.productId,
      client_data: clientData,
    }
    if (this.sessionToken) body.session_token = this.sessionToken
    return body
  }

  request(endpoint: string, data: Record<string, unknown>, clientData?: Record<string, unknown>) {
    const body = this.body(data, clientData)
    return this.post(endpoint, this.useEncryption ? this.envelope(body) : body)
  }

  /** `verifyChallenge(challenge)`: response = HMAC-SHA256(key = hwid, challenge), hex. */
  verifyChallenge(licenseKey: string, hwid: string, challenge: string) {
    const response = createHmac('sha256', hwid).update(challenge).digest('hex')
    return this.request('/verify-challenge', { license_key: licenseKey, hwid, challenge, response })
  }
}

export function defaultClientData(): Record<string, unknown> {
  return {
    hwid: 'ignored-by-server',
    timestamp: Date.now(),
    platform: 'linux',
    os_version: '6.1.0',
    architecture: 'x64',
    vm_indicators: [],
    debug_indicators: [],
  }
}

/** A product and `n` licenses created through the services (the management API is not under test here). */
export async function seed(
  srv: TestServer,
  license: {
    max_uses?: number
    hwid_locked?: boolean
    expires_at?: string | null
    type?: 'trial' | 'subscription' | 'lifetime'
  } = {},
  policy: Record<string, unknown> = {},
) {
  const s = srv.runtime.services
  const product = await s.products.create(CONSOLE, {
    name: 'App ' + randomBytes(3).toString('hex'),
    policy,
  })
  const lic = await s.licenses.create(CONSOLE, {
    product_id: product.id,
    type: license.type ?? 'subscription',
    max_uses: license.max_uses ?? 1,
    hwid_locked: license.hwid_locked ?? true,
    expires_at:
      license.expires_at === undefined
        ? new Date(Date.now() + 86_400_000).toISOString()
        : license.expires_at,
    metadata: { plan: 'pro' },
  })
  return { product, license: lic, key: lic.license_key }
}

/** The air-gapped activation's request file, as an app writes it for `key` on `fingerprint`. */
export function requestFile(key: string, fingerprint: string): string {
  const body = Buffer.from(
    JSON.stringify({ format: 'keywarden-license-request/1', license_key: key, fingerprint }),
  ).toString('base64')
  return `-----BEGIN LICENSE REQUEST-----\n${body}\n-----END LICENSE REQUEST-----\n`
}
