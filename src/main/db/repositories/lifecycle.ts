import type { Executor } from '../connection'
import { dialectSql } from '../dialects'
import type { LicenseStatus } from '../schema'

/** The engine's writers, re-exported for the lifecycle's transitions (one writer per row kind). */
export { revokeMachineSessions } from './sessions'
export { deleteMachine } from './machines'

/**
 * The writes of the license lifecycle (services/licenses/lifecycle.ts). Each is one statement;
 * the lifecycle composes them into one transaction (ctx.tx) per transition.
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

/**
 * The license's state, its row locked until the transaction ends (FOR UPDATE on PostgreSQL):
 * a transition decides on the status it read, so a concurrent one on another node (a ban while
 * a refund suspends, an activation while machines are reset) waits for this one's COMMIT and
 * then reads the new state, instead of overwriting it with a decision made on the old one.
 */
export async function lockLicenseState(
  trx: Executor,
  id: string,
): Promise<LicenseState | undefined> {
  return dialectSql(trx)
    .forUpdate(
      trx
        .selectFrom('licenses')
        .select(['id', 'product_id', 'key', 'status', 'status_reason', 'expires_at'])
        .where('id', '=', id),
    )
    .executeTakeFirst()
}

export async function setStatus(
  trx: Executor,
  id: string,
  status: LicenseStatus,
  reason: string | null,
  now: string,
): Promise<void> {
  await trx
    .updateTable('licenses')
    .set({ status, status_reason: reason, updated_at: now })
    .where('id', '=', id)
    .execute()
}

/** A new expiry re-arms the one-time license.expired notice. */
export async function setExpiry(
  trx: Executor,
  id: string,
  expiresAt: string | null,
  status: LicenseStatus,
  now: string,
): Promise<void> {
  await trx
    .updateTable('licenses')
    .set({ expires_at: expiresAt, status, expired_notified_at: null, updated_at: now })
    .where('id', '=', id)
    .execute()
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
  'policy',
  'customer_id',
] as const
export type EditableColumn = (typeof EDITABLE_COLUMNS)[number]

/** Writes the given plain columns (names from EDITABLE_COLUMNS only). */
export async function updateColumns(
  trx: Executor,
  id: string,
  patch: Partial<Record<EditableColumn, string | number | null>>,
  now: string,
): Promise<void> {
  const cols = EDITABLE_COLUMNS.filter((c) => c in patch)
  if (cols.length === 0) return
  const set = Object.fromEntries(cols.map((c) => [c, patch[c] ?? null]))
  await trx
    .updateTable('licenses')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute()
}

/** Ends every open session of the license; returns how many. */
export async function revokeSessionsOf(
  trx: Executor,
  licenseId: string,
  reason: string,
  now: string,
): Promise<number> {
  const r = await trx
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('license_id', '=', licenseId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Unbinds every machine of the license; returns how many. */
export async function deleteMachinesOf(trx: Executor, licenseId: string): Promise<number> {
  const r = await trx.deleteFrom('machines').where('license_id', '=', licenseId).executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** One machine of the license, if it is bound to it. */
export async function findMachineOf(
  trx: Executor,
  licenseId: string,
  machineId: string,
): Promise<{ id: string; hwid: string } | undefined> {
  return trx
    .selectFrom('machines')
    .select(['id', 'hwid'])
    .where('id', '=', machineId)
    .where('license_id', '=', licenseId)
    .executeTakeFirst()
}

/** Deletes the license (its machines, sessions and challenges go with it, by foreign key). */
export async function deleteLicense(trx: Executor, id: string): Promise<void> {
  await trx.deleteFrom('licenses').where('id', '=', id).execute()
}

/** The keys an order issued that are in `status` (a refund suspends the active ones). */
export async function orderLicenseIds(
  ex: Executor,
  orderId: string,
  status: LicenseStatus,
): Promise<string[]> {
  const rows = await ex
    .selectFrom('licenses')
    .select('id')
    .where('order_id', '=', orderId)
    .where('status', '=', status)
    .orderBy('num')
    .execute()
  return rows.map((r) => r.id)
}
