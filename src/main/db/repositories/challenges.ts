import type BetterSqlite3 from 'better-sqlite3'
import { stmt } from './statements'

export interface ChallengeRow {
  id: string
  license_id: string
  hwid: string
  challenge: string
  expires_at: string
  used_at: string | null
  created_at: string
}

export function insertChallenge(
  sqlite: BetterSqlite3.Database,
  c: Omit<ChallengeRow, 'used_at'>,
): void {
  stmt(
    sqlite,
    `INSERT INTO challenges (id, license_id, hwid, challenge, expires_at, used_at, created_at)
     VALUES (@id, @license_id, @hwid, @challenge, @expires_at, NULL, @created_at)`,
  ).run(c)
}

export function findChallenge(
  sqlite: BetterSqlite3.Database,
  challenge: string,
): ChallengeRow | undefined {
  return stmt(sqlite, 'SELECT * FROM challenges WHERE challenge = ?').get(challenge) as
    ChallengeRow | undefined
}

/** Marks a challenge used; false when something used it first (a replay). */
export function consumeChallenge(sqlite: BetterSqlite3.Database, id: string, now: string): boolean {
  return (
    stmt(sqlite, 'UPDATE challenges SET used_at = ? WHERE id = ? AND used_at IS NULL').run(now, id)
      .changes === 1
  )
}

/** Drops challenges that can no longer be answered (expired an hour ago or more). */
export function purgeChallenges(sqlite: BetterSqlite3.Database, before: string): number {
  return stmt(sqlite, 'DELETE FROM challenges WHERE expires_at < ?').run(before).changes
}
