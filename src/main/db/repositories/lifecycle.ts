import type BetterSqlite3 from 'better-sqlite3'
import type { LicenseStatus } from '../schema'
import { stmt } from './statements'

/**
 * The synchronous writes of the license lifecycle (services/licenses/lifecycle.ts). Each is
 * one statement; the lifecycle composes them into one transaction per transition.
 */

/** What a transition decides on: the license's stored state. */
export interface LicenseState {
  id: string
  product_id: string
  key: string
  status: LicenseStatus
  status_reason: string | null
  expires_at: string | null
}

export function findLicenseState(
  sqlite: BetterSqlite3.Database,
  id: string,
): LicenseState | undefined {
  return stmt(
    sqlite,
    'SELECT id, product_id, key, status, status_reason, expires_at FROM licenses WHERE id = ?',
  ).get(id) as LicenseState | undefined
}

export function setStatus(
  sqlite: BetterSqlite3.Database,
  id: string,
  status: LicenseStatus,
  reason: string | null,
  now: string,
): void {
  stmt(
    sqlite,
    'UPDATE licenses SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?',
  ).run(status, reason, now, id)
}

/** A new expiry re-arms the one-time license.expired notice. */
export function setExpiry(
  sqlite: BetterSqlite3.Database,
  id: string,
  expiresAt: string | null,
  status: LicenseStatus,
  now: string,
): void {
  stmt(
    sqlite,
    `UPDATE licenses SET expires_at = ?, status = ?, expired_notified_at = NULL, updated_at = ?
      WHERE id = ?`,
  ).run(expiresAt, status, now, id)
}

/** The plain (non-lifecycle) columns a license edit may change. */
export const EDITABLE_COLUMNS = [
  'type',
  'max_uses',
  'hwid_locked',
  'max_sessions',
  'level',
  'metadata',
  'notes',
  'status_reason',
] as const
export type EditableColumn = (typeof EDITABLE_COLUMNS)[number]

/** Writes the given plain columns (names from EDITABLE_COLUMNS only). */
export function updateColumns(
  sqlite: BetterSqlite3.Database,
  id: string,
  patch: Partial<Record<EditableColumn, string | number | null>>,
  now: string,
): void {
  const cols = EDITABLE_COLUMNS.filter((c) => c in patch)
  if (cols.length === 0) return
  const set = cols.map((c) => `${c} = @${c}`).join(', ')
  stmt(sqlite, `UPDATE licenses SET ${set}, updated_at = @now WHERE id = @id`).run({
    ...Object.fromEntries(cols.map((c) => [c, patch[c] ?? null])),
    now,
    id,
  })
}

/** Ends every open session of the license; returns how many. */
export function revokeSessionsOf(
  sqlite: BetterSqlite3.Database,
  licenseId: string,
  reason: string,
  now: string,
): number {
  return stmt(
    sqlite,
    `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
      WHERE license_id = ? AND revoked_at IS NULL`,
  ).run(now, reason, licenseId).changes
}

/** Unbinds every machine of the license; returns how many. */
export function deleteMachinesOf(sqlite: BetterSqlite3.Database, licenseId: string): number {
  return stmt(sqlite, 'DELETE FROM machines WHERE license_id = ?').run(licenseId).changes
}

/** One machine of the license, if it is bound to it. */
export function findMachineOf(
  sqlite: BetterSqlite3.Database,
  licenseId: string,
  machineId: string,
): { id: string; hwid: string } | undefined {
  return stmt(sqlite, 'SELECT id, hwid FROM machines WHERE id = ? AND license_id = ?').get(
    machineId,
    licenseId,
  ) as { id: string; hwid: string } | undefined
}

// One function per write: the machine row's in machines.ts, the machine's sessions' in sessions.ts.
export { deleteMachine } from './machines'
export { revokeMachineSessions } from './sessions'

/** Deletes the license (its machines, sessions and challenges go with it, by foreign key). */
export function deleteLicense(sqlite: BetterSqlite3.Database, id: string): void {
  stmt(sqlite, 'DELETE FROM licenses WHERE id = ?').run(id)
}

/** The keys an order issued that are in `status` (a refund suspends the active ones). */
export function orderLicenseIds(
  sqlite: BetterSqlite3.Database,
  orderId: string,
  status: LicenseStatus,
): string[] {
  return (
    stmt(sqlite, 'SELECT id FROM licenses WHERE order_id = ? AND status = ? ORDER BY num').all(
      orderId,
      status,
    ) as { id: string }[]
  ).map((r) => r.id)
}
