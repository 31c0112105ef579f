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
 * A shared counter's grant is a share of this many of the limit: taking a lease of
 * `perMinute / LEASE_PARTS` hits at a time keeps validate off the write lock for all but one
 * request in that many, and bounds what other processes' unspent leases can refuse early.
 */
export const LEASE_PARTS = 64

/** What one process may still count of a key's current window without asking the database. */
interface Lease {
  endsAt: number
  left: number
  perMinute: number
  /** The window's limit is spent: refused until it ends. */
  spent: boolean
  /** This process holds the window's first refusal, not yet answered. */
  first: boolean
}

/**
 * The per-license validate limit, which must hold however many processes serve the license:
 * - PostgreSQL (several nodes), or `serve --workers N` on SQLite: one counter row per key and
 *   window in `counters`, shared by every process. Each process takes **leases** from it: one
 *   atomic upsert adds a grant of `max(1, perMinute / LEASE_PARTS)` hits (hitWindow `by`), of
 *   which it is given what is left under the limit, and spends the grant in memory. So no more
 *   than the limit ever passes, across all processes, and the write per validate becomes one
 *   per grant (one in 1,562 at the bench's 100,000/min; exact, a write each, for limits under
 *   128). What it costs: a process's unspent grant is not the others', so once the counter is
 *   spent the others may refuse up to (processes - 1) x (grant - 1) hits early (a 1/64 share
 *   of the limit per other process). A key's window starts at its first hit (hitWindow), as in
 *   memory; a refused key is refused in memory until its window ends; ended windows are
 *   purged once a minute.
 * - SQLite with one process serving every request: the in-memory limiter above, exact too.
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
  const leases = new Map<string, Lease>()
  /** A key's grant being taken: the process's other hits of that key wait for it. */
  const taking = new Map<string, Promise<void>>()
  let lastPurge = 0

  async function purge(now: number): Promise<void> {
    if (now - lastPurge < 60_000) return
    lastPurge = now
    for (const [k, l] of leases) if (l.endsAt <= now) leases.delete(k)
    await ctx.write((ex) => purgeExpiredCounters(ex, new Date(now).toISOString()))
  }

  /** Adds a grant to the key's counter and keeps what of it is under the limit as the lease. */
  async function take(key: string, perMinute: number, now: number): Promise<void> {
    const by = Math.max(1, Math.floor(perMinute / LEASE_PARTS))
    // Hashed: the key carries what the client sent.
    const { n, expiresAt } = await ctx.write((ex) =>
      hitWindow(
        ex,
        `validate:${sha256Hex(key)}`,
        new Date(now).toISOString(),
        new Date(now + 60_000).toISOString(),
        by,
      ),
    )
    const before = n - by
    const left = Math.min(by, Math.max(0, perMinute - before))
    leases.set(key, {
      endsAt: Date.parse(expiresAt),
      left,
      perMinute,
      spent: left === 0,
      // The first refusal of the window across all processes: the grant before this one
      // still fitted under the limit.
      first: left === 0 && before < perMinute + by,
    })
  }

  return {
    /** As createRateLimiter's `hit`, counted in the database by leases. */
    async hit(key: string, perMinute: number): Promise<RateLimitHit> {
      const now = clock()
      await purge(now)
      for (;;) {
        const held = leases.get(key)
        if (held && now < held.endsAt && held.perMinute === perMinute) {
          if (held.left > 0) {
            held.left--
            return null
          }
          if (held.spent) {
            const first = held.first
            held.first = false
            return { retryAfter: Math.max(1, Math.ceil((held.endsAt - now) / 1000)), first }
          }
        }
        const pending = taking.get(key)
        if (pending) {
          await pending
          continue
        }
        const taken = take(key, perMinute, now).finally(() => taking.delete(key))
        taking.set(key, taken)
        await taken
      }
    },
  }
}
