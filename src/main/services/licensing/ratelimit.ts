import { dialectOf } from '../../db/dialects'
import { hitWindow, purgeExpiredCounters } from '../../db/repositories/counters'
import type { ServiceContext } from '../context'
import { sha256Hex } from '../../crypto/random'

/** What a hit answers: null when allowed, else when the window reopens. */
export type RateLimitHit = { retryAfter: number; first: boolean } | null

/**
 * Fixed one-minute windows per key, in memory: one node's count. Exact where one process
 * serves every request (SQLite); behind a balancer a per-client flood limiter that errs
 * towards letting a client through: with N nodes a client may make up to N times the limit
 * per window (each node counts only what it received), and a restart forgets the counts.
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
    hit(key: string, perMinute: number): RateLimitHit {
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

/**
 * The per-license validate limit, which must hold however many nodes serve the license:
 * - PostgreSQL (several nodes): one counter row per key and minute in `counters`, counted by
 *   one atomic upsert per hit, so the limit is exact across nodes. A key's minute starts at its
 *   first hit (hitWindow), as in memory. Ended windows are purged once a minute.
 *   With `serve --workers N` on SQLite the same, the upsert in the turn's group commit.
 * - SQLite with one process serving every request: the in-memory limiter above, which is then
 *   exact too and keeps validate free of a write.
 * `hit` is async either way so the engine has one call site.
 */
export function createSharedRateLimiter(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'write' | 'changes'>,
) {
  const clock = () => ctx.clock().getTime()
  if (dialectOf(ctx.db) === 'sqlite' && !ctx.changes.shared) {
    const local = createRateLimiter(clock)
    return { hit: async (key: string, perMinute: number) => local.hit(key, perMinute) }
  }
  let lastPurge = 0
  return {
    /** As createRateLimiter's `hit`, counted in the database. */
    async hit(key: string, perMinute: number): Promise<RateLimitHit> {
      const now = clock()
      // Hashed: the key carries what the client sent.
      const { n, expiresAt } = await ctx.write((ex) =>
        hitWindow(
          ex,
          `validate:${sha256Hex(key)}`,
          new Date(now).toISOString(),
          new Date(now + 60_000).toISOString(),
        ),
      )
      if (now - lastPurge >= 60_000) {
        lastPurge = now
        await ctx.write((ex) => purgeExpiredCounters(ex, new Date(now).toISOString()))
      }
      if (n <= perMinute) return null
      return {
        retryAfter: Math.max(1, Math.ceil((Date.parse(expiresAt) - now) / 1000)),
        first: n === perMinute + 1,
      }
    },
  }
}
