import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decryptInjectable, encryptInjectable, signInjectable, usableIv } from './injectable'

const IV = Buffer.from([...Array(16).keys()])

describe('DevPayr injectables', () => {
  it('matches the worked example of issue 14 exactly', () => {
    const r = encryptInjectable('s3cret-key', 'hello', IV)
    const raw = Buffer.from(r.content, 'base64')
    expect(raw.subarray(0, 16)).toEqual(IV)
    expect(raw.subarray(16, 18).toString()).toBe('::')
    expect(raw.subarray(18).toString()).toBe('dRBqPJ/91l2K3mgZXjb+Qw==')
    expect(r.content).toBe('AAECAwQFBgcICQoLDA0ODzo6ZFJCcVBKLzkxbDJLM21nWlhqYitRdz09')
    expect(r.signature).toBe('95e48436c2dd26f9439cfa25ca063d9bf1d8b43ad97474811fbf2691de58a455')
    expect(r.content_hash).toBe(createHash('sha256').update('hello').digest('hex'))
    expect(signInjectable('s3cret-key', r.content)).toBe(r.signature)
    expect(decryptInjectable('s3cret-key', r.content).toString()).toBe('hello')
  })

  it('draws IVs the "::" split cannot cut wrongly, and round-trips', () => {
    for (let i = 0; i < 300; i++) {
      const text = 'x'.repeat(i)
      const r = encryptInjectable('k', text)
      const raw = Buffer.from(r.content, 'base64')
      expect(raw.indexOf('::')).toBe(16)
      expect(usableIv(raw.subarray(0, 16))).toBe(true)
      expect(decryptInjectable('k', r.content).toString()).toBe(text)
    }
  })

  it('refuses an IV holding "::" or ending in ":"', () => {
    const colons = Buffer.from(IV)
    colons[3] = 0x3a
    colons[4] = 0x3a
    const trailing = Buffer.from(IV)
    trailing[15] = 0x3a
    expect(usableIv(colons)).toBe(false)
    expect(usableIv(trailing)).toBe(false)
    expect(() => encryptInjectable('k', 'x', trailing)).toThrow(/IV must be/)
  })

  it('a wrong secret does not decrypt to the plaintext', () => {
    const r = encryptInjectable('right', 'secret text')
    let out: string | null
    try {
      out = decryptInjectable('wrong', r.content).toString()
    } catch {
      out = null
    }
    expect(out).not.toBe('secret text')
  })
})
