import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// scrypt is memory-hard and built into Node: no native dependency, no install script.
// OWASP's current minimum (Password Storage Cheat Sheet): N=2^17, r=8, p=1. That takes
// 128 * N * r = 128 MiB per hash, over Node's 32 MiB default: maxmem leaves room above it.
const PARAMS = { N: 2 ** 17, r: 8, p: 1 }
const MAXMEM = 256 * 1024 * 1024
const KEYLEN = 32

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEYLEN, { ...opts, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

function encode(salt: Buffer, key: Buffer): string {
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$')
}

/** `scrypt$N$r$p$salt$hash` (base64url), self-describing so parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  return encode(salt, await scrypt(password, salt, PARAMS))
}

/**
 * A hash no password matches, with today's parameters: verifying against it when an email is
 * unknown costs exactly as long as a real one, so logins cannot enumerate accounts.
 */
export function unmatchableHash(): string {
  return encode(randomBytes(16), randomBytes(KEYLEN))
}

/** Whether a stored hash was made with other parameters than today's (rehash at next login). */
export function needsRehash(stored: string): boolean {
  const [alg, n, r, p] = stored.split('$')
  return (
    alg !== 'scrypt' || Number(n) !== PARAMS.N || Number(r) !== PARAMS.r || Number(p) !== PARAMS.p
  )
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$')
  if (alg !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  let key: Buffer
  try {
    key = await scrypt(password, Buffer.from(salt, 'base64url'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    })
  } catch {
    return false
  }
  return key.length === expected.length && timingSafeEqual(key, expected)
}
