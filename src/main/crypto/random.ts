import {
  createHash,
  randomBytes,
  randomFillSync,
  randomInt,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto'

/** Crockford-like alphabet without look-alikes (no 0/O, 1/I/L, U): safe to read aloud. */
export const KEY_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * A license key such as `7KQ2-M9XD-3HRT-WB6P` (groups of 4 from the unambiguous alphabet,
 * drawn from the CSPRNG without modulo bias). 16 characters of a 30-letter alphabet is
 * ~78 bits: unguessable at any request rate the rate limiter allows.
 */
export function generateLicenseKey(groups = 4, groupSize = 4): string {
  const parts: string[] = []
  for (let g = 0; g < groups; g++) {
    let part = ''
    for (let i = 0; i < groupSize; i++) part += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]
    parts.push(part)
  }
  return parts.join('-')
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** A random alphanumeric string of `length` characters (e.g. 48-char SellRealm secrets). */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length * 2)
  let out = ''
  for (let i = 0; out.length < length; i++) {
    if (i >= bytes.length) return out + randomAlnum(length - out.length)
    const b = bytes[i]
    // 248 = 62 * 4: reject the tail so every character is equally likely.
    if (b < 248) out += ALNUM[b % 62]
  }
  return out
}

/** CSPRNG bytes drawn in 4 KiB blocks; each byte is handed out once (see `pooledRandom`). */
const pool = Buffer.alloc(4096)
let poolAt = pool.length

/**
 * `n` bytes from the CSPRNG, like `randomBytes(n)`, but drawn from a block filled by one
 * `randomFillSync` per 4 KiB: a synchronous randomBytes call costs ~10 µs of fixed overhead,
 * and a heartbeat draws a session token and a challenge (6% of its CPU under load). Node's own
 * randomUUID pools the same way. Every byte is used once, so no two tokens share entropy.
 */
export function pooledRandom(n: number): Buffer {
  if (n > pool.length) return randomBytes(n)
  if (poolAt + n > pool.length) {
    randomFillSync(pool)
    poolAt = 0
  }
  const out = Buffer.from(pool.subarray(poolAt, poolAt + n))
  // Wiped once handed out, so a later heap dump or bug cannot show a token's bytes twice.
  pool.fill(0, poolAt, (poolAt += n))
  return out
}

/** URL-safe random token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return pooledRandom(bytes).toString('base64url')
}

export function uuid(): string {
  return randomUUID()
}

/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then 74 random bits
 * from the CSPRNG. New rows sort after old ones, so a primary-key index on it is appended to
 * instead of written at random pages (bulk creation of 100,000 licenses). It reveals the
 * creation time to the millisecond, which the row's created_at shows anyway.
 */
export function uuidv7(now = Date.now()): string {
  const b = Buffer.allocUnsafe(16)
  b.writeUIntBE(now, 0, 6)
  pooledRandom(10).copy(b, 6)
  b[6] = 0x70 | (b[6] & 0x0f) // version 7
  b[8] = 0x80 | (b[8] & 0x3f) // variant 10xx
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex')
}

/** Constant-time string comparison (lengths are compared via their digests). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb) && a.length === b.length
}
