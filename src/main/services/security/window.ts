/**
 * Distinct members seen per key within a sliding time window, in memory and bounded.
 * Detection counts here rather than in SQLite because it runs on every client request; the
 * price is that counts start from zero after a restart, which only delays a detection.
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
    const cutoff = nowMs - windowMs
    for (const [m, at] of members) if (at <= cutoff) members.delete(m)
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
