import { createVerify, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalPayload, createSigner, signedBytes, watermark } from './sign'

// 1024 bits keeps the unit test fast; the server uses 4096 (crypto/keys.ts).
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })

describe('canonicalPayload', () => {
  it('is printable ASCII with non-ASCII, <, >, & and DEL escaped, and parses back to the value', () => {
    const v = { a: 'Ü<b>&\u007f\u2028✓', n: 1, arr: [true, null] }
    const s = canonicalPayload(v)
    expect(s).toMatch(/^[\x20-\x7e]*$/)
    expect(s).not.toMatch(/[<>&]/)
    expect(JSON.parse(s)).toEqual(v)
  })
})

describe('createSigner', () => {
  it('signs the JSON string literal with RSA-SHA512, and signs a repeated payload once', async () => {
    const signer = createSigner(privateKey)
    const data = canonicalPayload({ valid: true })
    const [a, b] = await Promise.all([signer.sign(data), signer.sign(data)])
    expect(a).toBe(b)
    expect(signer.stats()).toMatchObject({ signed: 1, hits: 1 })
    const v = createVerify('RSA-SHA512')
    v.update(JSON.stringify(data)) // what the Node.js SDK verifies
    expect(v.verify(publicKey, a, 'base64')).toBe(true)
    expect(signedBytes(data).toString()).toBe(JSON.stringify(data))
    await signer.sign(canonicalPayload({ valid: false }))
    expect(signer.stats().signed).toBe(2)
  })

  it('evicts the oldest entry past its size', async () => {
    const signer = createSigner(privateKey, 2)
    for (const n of [1, 2, 3]) await signer.sign(String(n))
    expect(signer.stats().cached).toBe(2)
    await signer.sign('1')
    expect(signer.stats().signed).toBe(4)
  })
})

describe('watermark', () => {
  it('is stable per license and differs between licenses and keys', () => {
    const k1 = Buffer.alloc(32, 1)
    const k2 = Buffer.alloc(32, 2)
    expect(watermark(k1, 'lic-a')).toBe(watermark(k1, 'lic-a'))
    expect(watermark(k1, 'lic-a')).not.toBe(watermark(k1, 'lic-b'))
    expect(watermark(k1, 'lic-a')).not.toBe(watermark(k2, 'lic-a'))
  })

  it('with a shared cache: reuses a repeating answer another process signed, and keeps what it signs', async () => {
    const store = new Map<string, string>()
    const kept: number[] = []
    const shared = {
      find: async (data: string) => store.get(data),
      keep: (data: string, sig: string, until: number) => {
        store.set(data, sig)
        kept.push(until)
      },
    }
    const other = createSigner(privateKey, 10, shared)
    const mine = createSigner(privateKey, 10, shared)
    const data = canonicalPayload({ valid: true, issued_at: 'minute' })
    const theirs = await other.sign(data, 60_000)
    expect(kept).toEqual([60_000])
    expect(await mine.sign(data, 60_000)).toBe(theirs)
    expect(mine.stats()).toMatchObject({ signed: 0, hits: 1 })
    // An answer that does not repeat (no shareUntil) is neither looked up nor kept.
    await mine.sign(canonicalPayload({ once: true }))
    expect(mine.stats().signed).toBe(1)
    expect(kept).toHaveLength(1)
  })
})
