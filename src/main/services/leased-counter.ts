import { hitWindow, purgeExpiredCounters } from '../db/repositories/counters'
import { sha256Hex } from '../crypto/random'
import type { ServiceContext } from './context'

/**
 * A grant is this share of the limit: taking `limit / LEASE_PARTS` hits at a time keeps a
 * counted request off the write lock for all but one in that many, and bounds what other
 * processes' unspent grants can refuse early.
 */
export const LEASE_PARTS = 64

/** What one hit of a leased counter answers. */
export interface LeasedHit {
  allowed: boolean
  /** Hits of the window handed out so far, across processes, less this process's unspent. */
  used: number
  /** Milliseconds until the window ends. */
  resetMs: number
  /** The window's first refusal across all processes (log it once, not per hit). */
  first: boolean
}

/** What one process may still count of a key's current window without asking the database. */
interface Lease {
  endsAt: number
  /** The counter's total after this process's last grant. */
  total: number
  left: number
  limit: number
  /** The window's limit is spent: refused until it ends. */
  spent: boolean
  /** This process holds the window's first refusal, not yet answered. */
  first: boolean
}

/**
 * A limit per key and window that holds however many processes count it (PostgreSQL nodes,
 * `serve --workers N`): one row per key in `counters`, from which each process takes
 * **leases**. One atomic upsert adds a grant of `max(1, limit / LEASE_PARTS)` hits (hitWindow
 * `by`), of which the process keeps what is left under the limit and spends it in memory; a
 * process's other hits of a key wait for the grant being taken. So no more than the limit ever
 * passes across all processes, and there is one write per grant instead of one per hit (one in
 * 1,562 at 100,000 a minute; a write each, exact, for limits under 128). What it costs: once
 * the counter is spent, the unspent grants of other processes are theirs, so a process may
 * refuse up to (processes - 1) x (grant - 1) hits early (a 1/64 share of the limit per other
 * process). A key's window starts at its first hit (hitWindow); a refused key is refused in
 * memory until its window ends; ended windows are purged once a minute.
 */
export function createLeasedCounter(
  ctx: Pick<ServiceContext, 'clock' | 'write'>,
  namespace: string,
) {
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

  async function take(key: string, limit: number, windowMs: number, now: number): Promise<void> {
    const by = Math.max(1, Math.floor(limit / LEASE_PARTS))
    const { n, expiresAt } = await ctx.write((ex) =>
      hitWindow(
        ex,
        // Hashed: the key carries what the client sent.
        `${namespace}:${sha256Hex(key)}`,
        new Date(now).toISOString(),
        new Date(now + windowMs).toISOString(),
        by,
      ),
    )
    const before = n - by
    const left = Math.min(by, Math.max(0, limit - before))
    leases.set(key, {
      endsAt: Date.parse(expiresAt),
      total: n,
      left,
      limit,
      spent: left === 0,
      // The grant before this one still fitted under the limit.
      first: left === 0 && before < limit + by,
    })
  }

  return {
    /** Counts one hit of `key` against `limit` per `windowMs`. */
    async hit(key: string, limit: number, windowMs = 60_000): Promise<LeasedHit> {
      const now = ctx.clock().getTime()
      await purge(now)
      for (;;) {
        const held = leases.get(key)
        if (held && now < held.endsAt && held.limit === limit) {
          const resetMs = held.endsAt - now
          if (held.left > 0) {
            held.left--
            return { allowed: true, used: held.total - held.left, resetMs, first: false }
          }
          if (held.spent) {
            const first = held.first
            held.first = false
            return { allowed: false, used: Math.max(held.total, limit + 1), resetMs, first }
          }
        }
        const pending = taking.get(key)
        if (pending) {
          await pending
          continue
        }
        const taken = take(key, limit, windowMs, now).finally(() => taking.delete(key))
        taking.set(key, taken)
        await taken
      }
    },
  }
}
