import type BetterSqlite3 from 'better-sqlite3'
import type { Session } from '../schema'
import { stmt } from './statements'

export function insertSession(
  sqlite: BetterSqlite3.Database,
  s: Omit<Session, 'revoked_at' | 'revoked_reason'>,
): void {
  stmt(
    sqlite,
    `INSERT INTO sessions (id, license_id, machine_id, token_hash, nonce, protocol, hwid, ip, user_agent,
                           created_at, expires_at, last_seen_at)
     VALUES (@id, @license_id, @machine_id, @token_hash, @nonce, @protocol, @hwid, @ip, @user_agent,
             @created_at, @expires_at, @last_seen_at)`,
  ).run(s)
}

export function findSessionByTokenHash(
  sqlite: BetterSqlite3.Database,
  tokenHash: string,
): Session | undefined {
  return stmt(sqlite, 'SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as
    Session | undefined
}

export function findSessionById(sqlite: BetterSqlite3.Database, id: string): Session | undefined {
  return stmt(sqlite, 'SELECT * FROM sessions WHERE id = ?').get(id) as Session | undefined
}

/** Swaps the token (and nonce) and extends the session; false when it was revoked meanwhile. */
export function rotateSession(
  sqlite: BetterSqlite3.Database,
  r: {
    id: string
    oldHash: string
    newHash: string
    nonce: string | null
    ip: string | null
    now: string
    expiresAt: string
  },
): boolean {
  const res = stmt(
    sqlite,
    `UPDATE sessions SET token_hash = @newHash, nonce = @nonce, ip = @ip, last_seen_at = @now, expires_at = @expiresAt
      WHERE id = @id AND token_hash = @oldHash AND revoked_at IS NULL`,
  ).run(r)
  return res.changes === 1
}

/**
 * SellRealm check_session: swaps the nonce and extends the session only if `expected` is still
 * the current nonce, so a replayed (old) nonce changes nothing and two racing checks with the
 * same nonce cannot both succeed.
 */
export function rotateNonce(
  sqlite: BetterSqlite3.Database,
  r: {
    id: string
    expected: string
    nonce: string
    ip: string | null
    now: string
    expiresAt: string
  },
): boolean {
  return (
    stmt(
      sqlite,
      `UPDATE sessions SET nonce = @nonce, ip = @ip, last_seen_at = @now, expires_at = @expiresAt
        WHERE id = @id AND nonce = @expected AND revoked_at IS NULL`,
    ).run(r).changes === 1
  )
}

export function revokeSession(
  sqlite: BetterSqlite3.Database,
  id: string,
  reason: string,
  now: string,
): boolean {
  return (
    stmt(
      sqlite,
      'UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
    ).run(now, reason, id).changes === 1
  )
}

/** Closes every open session of a machine (deactivation, re-activation); returns how many. */
export function revokeMachineSessions(
  sqlite: BetterSqlite3.Database,
  machineId: string,
  reason: string,
  now: string,
): number {
  return stmt(
    sqlite,
    'UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE machine_id = ? AND revoked_at IS NULL',
  ).run(now, reason, machineId).changes
}

/** Live sessions of a license at `now` (not revoked, not expired, heard from since `silentSince`). */
export function countLiveSessions(
  sqlite: BetterSqlite3.Database,
  licenseId: string,
  now: string,
  silentSince: string,
  exceptMachineId: string | null,
): number {
  const r = stmt(
    sqlite,
    `SELECT COUNT(*) AS n FROM sessions
      WHERE license_id = ? AND revoked_at IS NULL AND expires_at > ? AND last_seen_at > ?
        AND (? IS NULL OR machine_id IS NOT ?)`,
  ).get(licenseId, now, silentSince, exceptMachineId, exceptMachineId) as { n: number }
  return r.n
}
