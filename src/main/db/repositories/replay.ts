import type BetterSqlite3 from 'better-sqlite3'
import { stmt } from './statements'

/**
 * Remembers a one-time value until `expiresAt`; false when it was already seen (a replay).
 * The primary key (kind, value) makes check-and-remember one atomic statement.
 */
export function rememberOnce(
  sqlite: BetterSqlite3.Database,
  kind: string,
  value: string,
  expiresAt: string,
): boolean {
  return (
    stmt(
      sqlite,
      'INSERT OR IGNORE INTO replay_guard (kind, value, expires_at) VALUES (?, ?, ?)',
    ).run(kind, value, expiresAt).changes === 1
  )
}

export function purgeReplayGuard(sqlite: BetterSqlite3.Database, now: string): number {
  return stmt(sqlite, 'DELETE FROM replay_guard WHERE expires_at < ?').run(now).changes
}
