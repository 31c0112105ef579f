import { readVersion, type ChangeTopic } from '../../db/repositories/change-versions'
import type { ServiceContext } from '../context'
import { dialectOf } from '../../db/dialects'

/**
 * On SQLite one process owns the database and every write goes through its services, which
 * drop their own caches when they change something (the security service's `invalidate`,
 * settings' `update`): the version table is then only a safety net for another process
 * writing the file (a second server on the same data folder, a tool, the other workers of
 * `serve --workers N`), checked at most this often: a change made by one worker reaches the
 * others within this plus DATA_VERSION_REUSE_MS (sqlite/change-mark.ts), 1.1 s. Measured: a change mark per screen cost ~13 µs of a ~22 µs screen (two per validate),
 * a PostgreSQL-style read per screen ~130 µs; at most one per second costs nothing measurable.
 */
export const SQLITE_FOREIGN_WRITE_MS = 1000

/**
 * Tells a cache whether its topic changed since it was built, on any node. Writers bump the
 * topic's row in `change_versions` in the transaction that makes the change (bumpVersion), so
 * the version read here moves exactly when the committed data does.
 *
 * Cost per `current()`:
 * - PostgreSQL (several nodes): one primary-key read, unless `maxAgeMs` allows an older
 *   answer. With `maxAgeMs` 0 a change committed on another node is seen by the first call
 *   that starts after the commit ("a ban on node A refuses on node B at its next request").
 * - SQLite (one process): nothing, except at most once per max(`maxAgeMs`,
 *   SQLITE_FOREIGN_WRITE_MS), when the table is read only if `ctx.changes.mark()` moved.
 * Ages are measured on the monotonic clock, not the services' clock (tests fix that one).
 */
export function createVersionWatch(
  ctx: Pick<ServiceContext, 'db' | 'changes'>,
  topic: ChangeTopic,
  maxAgeMs = 0,
) {
  const maxAge =
    dialectOf(ctx.db) === 'sqlite' ? Math.max(maxAgeMs, SQLITE_FOREIGN_WRITE_MS) : maxAgeMs
  let version: number | null = null
  let mark: string | null = null
  let checkedAt = 0
  let reads = 0

  return {
    /**
     * The topic's version now (or as of at most the maximum age ago). `fresh`: ignore the age
     * (after this node's own change, so the cache it just rebuilt is tagged with the new one).
     */
    async current(fresh = false): Promise<number> {
      const started = performance.now()
      const young = maxAge > 0 && started - checkedAt < maxAge
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
