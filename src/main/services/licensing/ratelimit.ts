/**
 * Fixed one-minute windows per (license key, IP), in memory: validation is the hot path and a
 * counter per window needs no database write. A restart forgets the counts, which only ever
 * errs towards letting a client through.
 */
export function createRateLimiter(clock: () => number) {
  const windows = new Map<string, { start: number; count: number }>()
  let lastSweep = clock()

  function sweep(now: number): void {
    if (now - lastSweep < 60_000) return
    lastSweep = now
    for (const [k, w] of windows) if (now - w.start >= 60_000) windows.delete(k)
  }

  return {
    /**
     * Counts one hit; returns null when allowed, else the seconds until the window reopens.
     * `first` tells whether this is the first refusal in the window (log it once, not per hit).
     */
    hit(key: string, perMinute: number): { retryAfter: number; first: boolean } | null {
      const now = clock()
      sweep(now)
      let w = windows.get(key)
      if (!w || now - w.start >= 60_000) windows.set(key, (w = { start: now, count: 0 }))
      w.count++
      if (w.count <= perMinute) return null
      return {
        retryAfter: Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000)),
        first: w.count === perMinute + 1,
      }
    },
  }
}
