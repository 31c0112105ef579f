import { createHash } from 'node:crypto'
import type BetterSqlite3 from 'better-sqlite3'
import { stmt } from './statements'

function digest(kind: string, value: string): Buffer {
  return createHash('sha256').update(`${kind}\u0000${value}`).digest().subarray(0, 16)
}

/**
 * Remembers a one-time value until `untilMs`; false when it was already seen (a replay).
 * `untilMs` must follow from the value itself (its signed timestamp, its expiry), so that the
 * same value always maps to the same row: the primary key (until, digest) then makes
 * check-and-remember one atomic statement, with the inserts of one moment on the same pages.
 */
export function rememberOnce(
  sqlite: BetterSqlite3.Database,
  kind: string,
  value: string,
  untilMs: number,
): boolean {
  return (
    stmt(sqlite, 'INSERT OR IGNORE INTO replay_guard (until, digest) VALUES (?, ?)').run(
      Math.trunc(untilMs),
      digest(kind, value),
    ).changes === 1
  )
}

/** Forgets the values that stopped mattering before `nowMs` (a range at the start of the key). */
export function purgeReplayGuard(sqlite: BetterSqlite3.Database, nowMs: number): number {
  return stmt(sqlite, 'DELETE FROM replay_guard WHERE until < ?').run(Math.trunc(nowMs)).changes
}
