import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto'
import { pooledRandom, safeEqual } from './random'

/**
 * The LicenseCM request envelope: AES-256-GCM, hex `iv`/`data`/`tag`, and
 * `signature = HMAC-SHA256(secret_key, iv:data:tag:timestamp)` (hex) over a millisecond
 * timestamp. The AES key is the first 32 bytes of the product's secret key as UTF-8, NUL-padded
 * when shorter — the derivation of the official Node.js, Python and Go SDKs.
 */
export interface SealedEnvelope {
  iv: string
  data: string
  tag: string
}

export function envelopeKey(secretKey: string): Buffer {
  const key = Buffer.alloc(32)
  Buffer.from(secretKey, 'utf8').copy(key, 0, 0, 32)
  return key
}

export function envelopeSignature(
  secretKey: string,
  e: SealedEnvelope,
  timestamp: number | string,
): string {
  return createHmac('sha256', secretKey)
    .update(`${e.iv}:${e.data}:${e.tag}:${timestamp}`)
    .digest('hex')
}

export function verifyEnvelopeSignature(
  secretKey: string,
  e: SealedEnvelope,
  timestamp: number | string,
  signature: string,
): boolean {
  return safeEqual(envelopeSignature(secretKey, e, timestamp), signature.toLowerCase())
}

function tryOpen(key: Buffer, iv: Buffer, data: Buffer, tag: Buffer): Buffer | null {
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv)
    d.setAuthTag(tag)
    return Buffer.concat([d.update(data), d.final()])
  } catch {
    return null
  }
}

/**
 * Decrypts an envelope; null when the tag does not authenticate. The Node.js and Python SDKs
 * use the whole 16-byte IV as the GCM nonce; the Go SDK sends 16 bytes but seals with the
 * first 12. Both are tried: the tag authenticates either way, so nothing is weakened.
 */
export function openEnvelope(secretKey: string, e: SealedEnvelope): Buffer | null {
  const key = envelopeKey(secretKey)
  const iv = Buffer.from(e.iv, 'hex')
  const data = Buffer.from(e.data, 'hex')
  const tag = Buffer.from(e.tag, 'hex')
  if (tag.length !== 16 || iv.length < 12) return null
  return (
    tryOpen(key, iv, data, tag) ??
    (iv.length > 12 ? tryOpen(key, iv.subarray(0, 12), data, tag) : null)
  )
}

/**
 * Encrypts a response. A 12-byte nonce (GCM's native size) is the one every official SDK can
 * open: Node.js and Python take the IV as given, Go slices the first 12 bytes, C#'s AesGcm
 * accepts only 12.
 */
export function sealEnvelope(secretKey: string, plaintext: string): SealedEnvelope {
  const iv = pooledRandom(12)
  const c = createCipheriv('aes-256-gcm', envelopeKey(secretKey), iv)
  const data = Buffer.concat([c.update(plaintext, 'utf8'), c.final()])
  return { iv: iv.toString('hex'), data: data.toString('hex'), tag: c.getAuthTag().toString('hex') }
}
