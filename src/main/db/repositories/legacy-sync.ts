import type BetterSqlite3 from 'better-sqlite3'
import { Kysely } from 'kysely'
import type { EventRow } from '../schema'
import { stmt } from './statements'

/*
 * @deprecated The synchronous raw-handle writes that services not yet on `ctx.tx` still compose
 * into `ctx.writes` (services/licenses/lifecycle.ts, services/store/orders.ts). The engine's
 * repositories (machines, sessions) and the events service accept the raw handle through a
 * deprecated overload that lands here (upsertMachine's stays in machines.ts, the one writer of
 * the machine row). Delete this file and those overloads once nothing passes
 * `ctx.sqlite` any more (issue #13).
 */

/** True for the raw better-sqlite3 handle (a legacy caller), false for a Kysely db or trx. */
export function isRawSqlite(ex: unknown): ex is BetterSqlite3.Database {
  return !(ex instanceof Kysely)
}

export function deleteMachineSync(sqlite: BetterSqlite3.Database, id: string): void {
  stmt(sqlite, 'DELETE FROM machines WHERE id = ?').run(id)
}

export function revokeMachineSessionsSync(
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

export function insertEventRowSync(
  sqlite: BetterSqlite3.Database,
  row: Omit<EventRow, 'id'>,
): number {
  return Number(
    stmt(
      sqlite,
      `INSERT INTO events (type, severity, product_id, license_id, machine_id, hwid, ip, user_agent, details, blocked, created_at)
       VALUES (@type, @severity, @product_id, @license_id, @machine_id, @hwid, @ip, @user_agent, @details, @blocked, @created_at)`,
    ).run(row).lastInsertRowid,
  )
}
