import type { ServiceContext } from '../context'
import * as counters from '../../db/repositories/counters'
import { sha256Hex } from '../../crypto/random'

/**
 * Distinct members seen per key within a sliding time window, in memory and bounded: one
 * node's view (see SharedWindowCounter for the one every node shares). Used where counting
 * runs on every client request and a database write per request would cost too much; the
 * price is that counts start from zero after a restart, which only delays a detection, and
 * that with several nodes each counts only the requests it received.
 */
export class WindowCounter {
  private readonly keys = new Map<string, Map<string, number>>()

  /** @param maxKeys how many keys are tracked at once; the least recently touched go first. */
  constructor(private readonly maxKeys = 50_000) {}

  /** Notes `member` under `key` at `nowMs`; returns the distinct members seen within `windowMs`. */
  add(key: string, member: string, nowMs: number, windowMs: number): number {
    let members = this.keys.get(key)
    if (members) {
      this.keys.delete(key) // re-insert below: Map order doubles as recency order
    } else {
      members = new Map()
    }
    // Members are kept in the order they were last seen (delete + set below), so the expired
    // ones are at the front: the purge stops at the first live one. It ran over every member on
    // every request before (one IP validating 1,000 keys: 3% of validate's CPU, bench profile).
    const cutoff = nowMs - windowMs
    for (const [m, at] of members) {
      if (at > cutoff) break
      members.delete(m)
    }
    members.delete(member)
    members.set(member, nowMs)
    // A single key cannot grow without bound either (one IP spraying random keys).
    if (members.size > 10_000) members.delete(members.keys().next().value as string)
    this.keys.set(key, members)
    if (this.keys.size > this.maxKeys) this.keys.delete(this.keys.keys().next().value as string)
    return members.size
  }

  /** Forgets a key (after it has triggered, so one burst triggers once). */
  reset(key: string): void {
    this.keys.delete(key)
  }

  get size(): number {
    return this.keys.size
  }
}

/** "Once per window" per key, bounded: keeps a flood of one finding to one event. */
export class Throttle {
  private readonly last = new Map<string, number>()

  constructor(private readonly maxKeys = 10_000) {}

  /** True when `key` was not let through within `windowMs` before `nowMs` (and notes it). */
  first(key: string, nowMs: number, windowMs: number): boolean {
    const at = this.last.get(key)
    if (at !== undefined && nowMs - at < windowMs) return false
    this.last.delete(key)
    this.last.set(key, nowMs)
    if (this.last.size > this.maxKeys) this.last.delete(this.last.keys().next().value as string)
    return true
  }
}

/**
 * Distinct members seen per key within a sliding window, in the database (`window_members`):
 * every node adds to and counts the same rows, so N nodes see one client's failures together.
 * Each `add` is one transaction (an upsert and a count by primary-key prefix). Under
 * concurrency on PostgreSQL (read committed) two adds in flight at once may each miss the
 * other's row: the count lags by at most the adds in flight and catches up at the next one.
 * Keys and members are stored as SHA-256: they carry what clients sent (HWIDs, key guesses),
 * which may hold a NUL that PostgreSQL's text refuses, and a guess need not be kept in clear.
 */
export class SharedWindowCounter {
  static readonly PURGE_EVERY_MS = 60_000
  private lastPurge = 0

  constructor(private readonly ctx: Pick<ServiceContext, 'tx'>) {}

  /** Notes `member` under `key` at `nowMs`; returns the distinct members seen within `windowMs`. */
  async add(key: string, member: string, nowMs: number, windowMs: number): Promise<number> {
    const iso = (ms: number) => new Date(ms).toISOString()
    const n = await this.ctx.tx((trx) =>
      counters.addWindowMember(trx, {
        key: sha256Hex(key),
        member: sha256Hex(member),
        now: iso(nowMs),
        expiresAt: iso(nowMs + windowMs),
        since: iso(nowMs - windowMs),
      }),
    )
    // Rows outlive their window until a purge: at most once a minute per node, no timer.
    if (nowMs - this.lastPurge >= SharedWindowCounter.PURGE_EVERY_MS) {
      this.lastPurge = nowMs
      await this.ctx.tx((trx) => counters.purgeExpiredCounters(trx, iso(nowMs)))
    }
    return n
  }

  /** Forgets a key on every node (after it has triggered, so one burst triggers once). */
  async reset(key: string): Promise<void> {
    await this.ctx.tx((trx) => counters.resetWindow(trx, sha256Hex(key)))
  }
}

/**
 * SharedWindowCounter for counts taken on every request (the HWID-spoof heuristics): a member
 * is written to the shared window only when this process has not written it within the last
 * half window, so an installed app presenting the same HWID, key and IP again and again
 * writes nothing, and every process counts the distinct members all of them saw. A repeat
 * answers the key's count as this process last read it (a finding needs a new member, whose
 * write reads the count afresh). Bounded like WindowCounter.
 */
export class SightingWindowCounter {
  private readonly written = new Map<string, Map<string, number>>()
  private readonly counts = new Map<string, number>()
  private readonly shared: SharedWindowCounter

  constructor(
    ctx: Pick<ServiceContext, 'tx'>,
    private readonly maxKeys = 50_000,
  ) {
    this.shared = new SharedWindowCounter(ctx)
  }

  async add(key: string, member: string, nowMs: number, windowMs: number): Promise<number> {
    const members = this.written.get(key) ?? new Map<string, number>()
    const at = members.get(member)
    if (at !== undefined && at > nowMs - windowMs / 2) return this.counts.get(key) ?? members.size
    const n = await this.shared.add(key, member, nowMs, windowMs)
    members.delete(member)
    members.set(member, nowMs)
    if (members.size > 10_000) members.delete(members.keys().next().value as string)
    this.written.delete(key) // re-insert: Map order doubles as recency order
    this.written.set(key, members)
    this.counts.set(key, n)
    if (this.written.size > this.maxKeys) {
      const oldest = this.written.keys().next().value as string
      this.written.delete(oldest)
      this.counts.delete(oldest)
    }
    return n
  }

  /** Forgets a key here and on every process (one burst triggers once). */
  async reset(key: string): Promise<void> {
    this.written.delete(key)
    this.counts.delete(key)
    await this.shared.reset(key)
  }
}
