import { describe, expect, it } from 'vitest'
import { issuedMinute } from './index'

describe('issuedMinute', () => {
  const keys = Array.from({ length: 200 }, (_, i) => `KEY-${i}`)

  it('is at most a minute before now and never after it, and stays put within its minute', () => {
    const now = new Date('2026-12-02T18:40:30.250Z')
    for (const k of keys) {
      const at = Date.parse(issuedMinute(now, k))
      expect(at).toBeLessThanOrEqual(now.getTime())
      expect(now.getTime() - at).toBeLessThan(60_000)
      // The same answer one second later (still in its minute, or the next one's start).
      const later = Date.parse(issuedMinute(new Date(now.getTime() + 1000), k))
      expect([at, at + 60_000]).toContain(later)
    }
  })

  it("spreads the licenses' minute boundaries over the minute (no instant re-signs them all)", () => {
    const now = new Date('2026-12-02T18:40:00.000Z')
    const seconds = new Set(keys.map((k) => new Date(issuedMinute(now, k)).getUTCSeconds()))
    expect(seconds.size).toBeGreaterThan(40)
  })
})
