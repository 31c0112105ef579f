import { describe, expect, it } from 'vitest'
import { WindowCounter } from './window'

/** The in-memory sliding window the HWID-spoof heuristics count with (one process). */
describe('WindowCounter', () => {
  const WINDOW = 1_000

  it('counts distinct members within the window, and a repeat once', () => {
    const w = new WindowCounter()
    expect(w.add('ip', 'a', 0, WINDOW)).toBe(1)
    expect(w.add('ip', 'b', 10, WINDOW)).toBe(2)
    expect(w.add('ip', 'a', 20, WINDOW)).toBe(2)
    expect(w.add('other', 'a', 20, WINDOW)).toBe(1)
  })

  it('forgets members not seen within the window, however many are still live behind them', () => {
    const w = new WindowCounter()
    for (let i = 0; i < 100; i++) w.add('ip', `old-${i}`, i, WINDOW)
    for (let i = 0; i < 50; i++) w.add('ip', `new-${i}`, 900 + i, WINDOW)
    // At 1,050 the first 51 old ones (seen at 0..50) are out; 49 old and 50 new remain, +1.
    expect(w.add('ip', 'probe', 1_050, WINDOW)).toBe(49 + 50 + 1)
    // At 2,000 only those seen after 1,000 remain: the probe.
    expect(w.add('ip', 'late', 2_000, WINDOW)).toBe(2)
  })

  it('keeps a member seen again: its last sighting counts, not its first', () => {
    const w = new WindowCounter()
    w.add('ip', 'a', 0, WINDOW)
    w.add('ip', 'b', 100, WINDOW)
    w.add('ip', 'a', 900, WINDOW) // a moves behind b
    // At 1,150 b (100) is out, a (900) is not: a's last sighting counts.
    expect(w.add('ip', 'c', 1_150, WINDOW)).toBe(2)
    expect(w.add('ip', 'd', 1_950, WINDOW)).toBe(2) // a (900) out, c and d in
  })

  it('bounds the members of one key and the number of keys', () => {
    const w = new WindowCounter(3)
    for (let i = 0; i < 10_005; i++) w.add('spray', `k${i}`, i, 1e9)
    expect(w.add('spray', 'last', 10_005, 1e9)).toBe(10_000)
    for (const k of ['a', 'b', 'c', 'd']) w.add(k, 'm', 0, WINDOW)
    expect(w.size).toBe(3)
  })
})
