import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// scrypt is memory-hard and built into Node: no native dependency, no install script.
// OWASP's Password Storage Cheat Sheet lists five equivalent minimum configurations, from
// N=2^17, r=8, p=1 (128 MiB a hash) to N=2^13, r=8, p=10 (8 MiB). This is N=2^15, r=8, p=3:
// 128 * N * r = 32 MiB a hash (the p passes run one after another in the same memory), where
// 2^17 made every login, and each of four logins at once in the thread pool, hold 128 MiB
// (~95 MiB of a worker's peak resident memory). Hashes made with 2^17 still verify and are
// rehashed at the next login. maxmem: Node's 32 MiB default is just short of 32 MiB + blocks.
const PARAMS = { N: 2 ** 15, r: 8, p: 3 }
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
