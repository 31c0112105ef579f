import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { mintChallenge, openChallenge } from './challenge'

describe('self-contained challenges', () => {
  const key = randomBytes(32)
  const expires = Date.UTC(2030, 0, 1, 12, 0, 0)

  it('opens its own challenge for the same license and machine, with its expiry', () => {
    const c = mintChallenge(key, 'lic-1', 'hw-1', expires)
    expect(c).toMatch(/^[0-9a-f]{72}$/)
    expect(openChallenge(key, 'lic-1', 'hw-1', c)).toEqual({ expiresAt: expires })
    expect(openChallenge(key, 'lic-1', 'hw-1', c.toUpperCase())).toEqual({ expiresAt: expires })
    // Every challenge is new, even for the same license, machine and expiry.
    expect(mintChallenge(key, 'lic-1', 'hw-1', expires)).not.toBe(c)
  })

  it('knows nothing it did not issue to exactly this license and machine', () => {
    const c = mintChallenge(key, 'lic-1', 'hw-1', expires)
    expect(openChallenge(key, 'lic-2', 'hw-1', c)).toBeNull()
    expect(openChallenge(key, 'lic-1', 'hw-2', c)).toBeNull()
    expect(openChallenge(randomBytes(32), 'lic-1', 'hw-1', c)).toBeNull()
    for (let i = 0; i < c.length; i += 7) {
      const flipped = c.slice(0, i) + (c[i] === '0' ? '1' : '0') + c.slice(i + 1)
      expect(openChallenge(key, 'lic-1', 'hw-1', flipped), `character ${i}`).toBeNull()
    }
    expect(openChallenge(key, 'lic-1', 'hw-1', c.slice(2))).toBeNull()
    expect(openChallenge(key, 'lic-1', 'hw-1', `${c.slice(2)}zz`)).toBeNull()
    expect(openChallenge(key, 'lic-1', 'hw-1', '')).toBeNull()
  })
})
