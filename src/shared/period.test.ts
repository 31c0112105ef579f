import { describe, expect, it } from 'vitest'
import { lastDays, periodLabel } from './period'

// The console labels the window the server chose: the two must agree at every hour.
describe('periodLabel', () => {
  it('names the default window "last 30 days" at every hour of the UTC day', () => {
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      const now = new Date(Date.UTC(2026, 11, 3, 0, minute, 13, 250))
      const { from, to } = lastDays(now)
      expect(periodLabel(from, to), now.toISOString()).toBe('last 30 days')
    }
  })

  it('names any other window by the dates it covers', () => {
    const { from, to } = lastDays(new Date('2026-12-03T17:00:00Z'), 7)
    expect(periodLabel(from, to)).toBe('2026-11-27 to 2026-12-03')
  })
})
