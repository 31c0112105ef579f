import { readVersion, type ChangeTopic } from '../../db/repositories/change-versions'
import type { ServiceContext } from '../context'

/**
 * Tells a cache whether its topic changed since it was built, on any node. Writers bump the
 * topic's row in `change_versions` in the transaction that makes the change (bumpVersion), so
 * the version read here moves exactly when the committed data does.
 *
 * Cost per `current()`:
 * - SQLite: usually nothing. `ctx.changes.mark()` moves on every write by this process and on
 *   every commit by another connection to the file; while it stands still nothing can have
 *   changed and the last version is returned without a query. (This process's own changes
 *   also invalidate its caches directly; the mark is what catches another process.)
 * - PostgreSQL: one primary-key read (mark() is null there), unless `maxAgeMs` allows an
 *   older answer. With `maxAgeMs` 0 a change committed on another node is seen by the first
 *   call that starts after the commit.
 * `maxAgeMs` is measured on the monotonic clock, not the services' clock (tests fix that one).
 */
export function createVersionWatch(
  ctx: Pick<ServiceContext, 'db' | 'changes'>,
  topic: ChangeTopic,
  maxAgeMs = 0,
) {
  let version: number | null = null
  let mark: string | null = null
  let checkedAt = 0
  let reads = 0

  return {
    /**
     * The topic's version now (or as of at most `maxAgeMs` ago). `fresh`: ignore `maxAgeMs`
     * (after this node's own change, so the cache it just rebuilt is tagged with the new one).
     */
    async current(fresh = false): Promise<number> {
      const started = performance.now()
      const young = maxAgeMs > 0 && started - checkedAt < maxAgeMs
      if (version !== null && young && !fresh) return version
      // Taken before the read: a write landing during the read moves the next mark.
      const m = ctx.changes.mark()
      if (version !== null && m !== null && m === mark) return version
      reads++
      const v = await readVersion(ctx.db, topic)
      // Reads may finish out of order on a pool: an older answer never replaces a newer one.
      if (started >= checkedAt) {
        version = v
        mark = m
        checkedAt = started
      }
      return v
    },

    /** How many times the table was read (diagnostics and the cost test). */
    get reads(): number {
      return reads
    },
  }
}

export type VersionWatch = ReturnType<typeof createVersionWatch>
