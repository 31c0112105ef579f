import { dialectOf } from '../../db/dialects'
import type { ServiceContext } from '../context'
import { createLeasedCounter } from '../leased-counter'

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
 * A limit per key and minute that must hold however many processes serve (the per-license
 * validate limit, SellRealm's per-client limit):
 * - PostgreSQL (several nodes), or `serve --workers N` on SQLite: counted in the database by
 *   leases (services/leased-counter.ts): never more than the limit across processes, one write
 *   per 1/64 of the limit instead of one per hit.
 * - SQLite with one process serving every request: the in-memory limiter above, exact too.
 * `hit` is async either way so callers have one call site.
 */
export function createSharedRateLimiter(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'write' | 'changes'>,
  namespace = 'validate',
) {
  const clock = () => ctx.clock().getTime()
  if (dialectOf(ctx.db) === 'sqlite' && !ctx.changes.shared) {
    const local = createRateLimiter(clock)
    return { hit: async (key: string, perMinute: number) => local.hit(key, perMinute) }
  }
  const counter = createLeasedCounter(ctx, namespace)
  return {
    /** As createRateLimiter's `hit`, counted in the database. */
    async hit(key: string, perMinute: number): Promise<RateLimitHit> {
      const h = await counter.hit(key, perMinute)
      if (h.allowed) return null
      return { retryAfter: Math.max(1, Math.ceil(h.resetMs / 1000)), first: h.first }
    },
  }
}
