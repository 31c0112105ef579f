import { describe, expect, it } from 'vitest'
import {
  generateLicenseKey,
  KEY_ALPHABET,
  pooledRandom,
  randomAlnum,
  safeEqual,
  uuidv7,
} from './random'

describe('license keys', () => {
  it('are XXXX-XXXX-XXXX-XXXX from the unambiguous alphabet', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateLicenseKey()
      expect(key).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
      for (const ch of key.replace(/-/g, '')) expect(KEY_ALPHABET).toContain(ch)
      expect(key).not.toMatch(/[01ILOU]/)
    }
  })

  it('do not repeat and use every letter of the alphabet about equally', () => {
    const seen = new Set<string>()
    const counts = new Map<string, number>()
    for (let i = 0; i < 5000; i++) {
      const key = generateLicenseKey()
      seen.add(key)
      for (const ch of key.replace(/-/g, '')) counts.set(ch, (counts.get(ch) ?? 0) + 1)
    }
    expect(seen.size).toBe(5000)
    expect(counts.size).toBe(KEY_ALPHABET.length)
    const expected = (5000 * 16) / KEY_ALPHABET.length
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2)
  })
})

describe('secrets', () => {
  it('randomAlnum gives exactly the length asked for, alphanumeric only', () => {
    for (const n of [1, 48, 100]) expect(randomAlnum(n)).toMatch(new RegExp(`^[A-Za-z0-9]{${n}}$`))
    expect(randomAlnum(48)).not.toBe(randomAlnum(48))
  })

  it('safeEqual compares by value, including different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', '')).toBe(true)
  })
})

describe('uuidv7', () => {
  it('is a valid version-7 UUID that starts with the time and sorts in creation order', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5, 678)
    const a = uuidv7(t)
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(parseInt(a.replace(/-/g, '').slice(0, 12), 16)).toBe(t)
    expect(uuidv7(t + 1) > a).toBe(true)
    const ids = new Set(Array.from({ length: 2000 }, () => uuidv7(t)))
    expect(ids.size).toBe(2000)
  })
})

describe('pooledRandom', () => {
  it('hands out fresh bytes of the asked length, never the same bytes twice, across refills', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      const b = pooledRandom(32)
      expect(b).toHaveLength(32)
      seen.add(b.toString('hex'))
    }
    expect(seen.size).toBe(1000)
    // A token taken before a refill keeps its bytes afterwards (a copy, not a view of the pool).
    const kept = pooledRandom(16)
    const copy = Buffer.from(kept)
    for (let i = 0; i < 300; i++) pooledRandom(32)
    expect(kept.equals(copy)).toBe(true)
    expect(pooledRandom(10_000)).toHaveLength(10_000)
  })
})
