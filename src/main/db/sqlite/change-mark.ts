import type BetterSqlite3 from 'better-sqlite3'

/** How old the remembered `data_version` may be when a mark is taken outside a transaction. */
export const DATA_VERSION_REUSE_MS = 100

/**
 * SQLite's change feed: `total_changes()` (this connection's row changes, uncommitted, rolled
 * back and trigger writes included: the counter never goes back) and `data_version` (moves when
 * another connection commits). Taken before a read, compared inside the transaction that
 * decides: different marks mean the row is read again.
 *
 * `data_version` is a pragma, and outside a transaction reading it opens and closes a read
 * transaction (WAL read-mark locks): that cost as much as the license lookup it guards (~7% of a
 * heartbeat's CPU, bench profile). `total_changes()` touches no table and costs a tenth. So
 * outside a transaction the last `data_version` read is reused for up to DATA_VERSION_REUSE_MS;
 * inside one it is read afresh (cheap there: the transaction's snapshot is open) and remembered.
 * Reusing an older value is conservative: `data_version` only grows, so a mark taken with an
 * older one can only differ from a later fresh one, never hide a commit that happened after it
 * (an extra re-read at worst).
 */
export function changeMarker(sqlite: BetterSqlite3.Database): () => string {
  const changes = sqlite.prepare('SELECT total_changes()').pluck()
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck()
  let version = dataVersion.get() as number
  let readAt = performance.now()
  return () => {
    const now = performance.now()
    if (sqlite.inTransaction || now - readAt > DATA_VERSION_REUSE_MS) {
      version = dataVersion.get() as number
      readAt = now
    }
    return `${changes.get() as number}:${version}`
  }
}
