import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto'
import { pooledRandom } from './random'

/**
 * Self-contained challenges: `hex(nonce 16 B ‖ expiry 4 B ‖ MAC 16 B)`, the MAC being
 * HMAC-SHA256 under a server key over the license, the machine, the nonce and the expiry. The
 * server stores nothing when it issues one (an activation or heartbeat writes no challenge
 * row); it knows its own challenges by the MAC and keeps one-use by remembering the answered
 * ones until they expire.
 */
const NONCE = 16
const EXPIRY = 4
const MAC = 16
const BYTES = NONCE + EXPIRY + MAC
const HEX = /^[0-9a-f]+$/

export interface ChallengeClaims {
  /** When it stops being answerable, ms since the epoch (whole seconds). */
  expiresAt: number
}

function mac(key: Buffer, licenseId: string, hwid: string, head: Buffer): Buffer {
  return createHmac('sha256', key)
    .update(`keywarden-challenge-v1\u0000${licenseId}\u0000${hwid}\u0000`)
    .update(head)
    .digest()
    .subarray(0, MAC)
}

/** A fresh challenge for this license and machine, answerable until `expiresAt` (ms). */
export function mintChallenge(key: Buffer, licenseId: string, hwid: string, expiresAt: number) {
  const head = Buffer.alloc(NONCE + EXPIRY)
  pooledRandom(NONCE).copy(head, 0)
  head.writeUInt32BE(Math.ceil(expiresAt / 1000), NONCE)
  return Buffer.concat([head, mac(key, licenseId, hwid, head)]).toString('hex')
}

/**
 * The claims of a challenge this server issued to this license and machine, or null for
 * anything else (another license's or machine's challenge, a forged or truncated one).
 * The MAC is compared in constant time. Expiry and one-use are the caller's to check.
 */
export function openChallenge(
  key: Buffer,
  licenseId: string,
  hwid: string,
  value: string,
): ChallengeClaims | null {
  const v = value.toLowerCase()
  if (v.length !== BYTES * 2 || !HEX.test(v)) return null
  const raw = Buffer.from(v, 'hex')
  const head = raw.subarray(0, NONCE + EXPIRY)
  if (!timingSafeEqual(raw.subarray(NONCE + EXPIRY), mac(key, licenseId, hwid, head))) return null
  return { expiresAt: head.readUInt32BE(NONCE) * 1000 }
}

/** The challenge key, derived from the server's private key material (like the watermark's). */
export function challengeKey(privateKey: KeyObject): Buffer {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' })
  return createHmac('sha256', 'keywarden-challenge-v1').update(der).digest()
}
