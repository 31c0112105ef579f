import { sql } from 'kysely'
import type { Executor } from '../types'
import { dialectSql } from '../dialects'
import { prepared } from '../prepared'

/**
 * Floating seats and the culling of dead machines (migration 0009). A seat is a machine row
 * with `seat = 'held'`; culling moves a held seat whose `seat_dead_at` passed to 'freed', and a
 * freed one whose `seat_bury_at` passed out of the watch (or unbinds it). Every claim is one
 * conditional UPDATE over a partial index, re-checking its WHERE on the rows it changes, with
 * the dialect's skipLocked (FOR UPDATE SKIP LOCKED on PostgreSQL): culling may run on every node
 * at once and each machine is culled once.
 */

const heldOthers = prepared((ex: Executor, licenseId: string, exceptHwid: string) =>
  ex
    .selectFrom('machines')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('license_id', '=', licenseId)
    .where('seat', '=', 'held')
    .where('hwid', '!=', exceptHwid),
)

/** Seats of the license held by machines other than `exceptHwid`. */
export async function countHeldSeats(
  ex: Executor,
  licenseId: string,
  exceptHwid: string,
): Promise<number> {
  return Number((await heldOthers(ex, licenseId, exceptHwid)).rows[0]?.n ?? 0)
}

/** A machine a culling pass changed, with what its event needs. */
export interface CulledMachine {
  id: string
  license_id: string
  hwid: string
}

/**
 * Frees up to `limit` held seats that are dead at `now` (optionally of one license); returns the
 * machines freed. Their sessions stay open: a machine may come back until seat_bury_at.
 */
export async function freeDeadSeats(
  ex: Executor,
  now: string,
  limit: number,
  licenseId: string | null = null,
): Promise<CulledMachine[]> {
  const one = licenseId === null ? sql`` : sql`AND license_id = ${licenseId}`
  const r = await sql<CulledMachine>`
    UPDATE machines SET seat = 'freed'
     WHERE seat = 'held' AND seat_dead_at <= ${now}
       AND id IN (SELECT id FROM machines
                   WHERE seat = 'held' AND seat_dead_at <= ${now} ${one}
                   ORDER BY seat_dead_at LIMIT ${limit}
                   ${dialectSql(ex).skipLocked()})
     RETURNING id, license_id, hwid`.execute(ex)
  return r.rows
}

/** A freed seat whose resurrection window closed, with the policies that decide its end. */
export interface BuriedMachine extends CulledMachine {
  product_id: string
  license_policy: string | null
  product_policy: string
}

/**
 * Takes up to `limit` freed seats whose resurrection window closed at `now` out of the watch
 * (seat columns cleared) and returns them with their policies: the caller ends their sessions
 * and, under dead_machine=deactivate, unbinds them, in the same transaction.
 */
export async function buryFreedSeats(
  ex: Executor,
  now: string,
  limit: number,
  licenseId: string | null = null,
): Promise<BuriedMachine[]> {
  const one = licenseId === null ? sql`` : sql`AND license_id = ${licenseId}`
  const ids = await sql<CulledMachine>`
    UPDATE machines SET seat = NULL, seat_dead_at = NULL, seat_bury_at = NULL
     WHERE seat = 'freed' AND seat_bury_at <= ${now}
       AND id IN (SELECT id FROM machines
                   WHERE seat = 'freed' AND seat_bury_at <= ${now} ${one}
                   ORDER BY seat_bury_at LIMIT ${limit}
                   ${dialectSql(ex).skipLocked()})
     RETURNING id, license_id, hwid`.execute(ex)
  if (ids.rows.length === 0) return []
  const policies = await policiesOf(ex, [...new Set(ids.rows.map((r) => r.license_id))])
  return ids.rows.map((r) => ({ ...r, ...policies.get(r.license_id)! }))
}

/** Each license's product and the two policy JSONs, for a batch of culled machines. */
export async function policiesOf(
  ex: Executor,
  licenseIds: string[],
): Promise<
  Map<string, { product_id: string; license_policy: string | null; product_policy: string }>
> {
  if (licenseIds.length === 0) return new Map()
  const rows = await ex
    .selectFrom('licenses as l')
    .innerJoin('products as p', 'p.id', 'l.product_id')
    .select(['l.id', 'l.product_id', 'l.policy as license_policy', 'p.policy as product_policy'])
    .where('l.id', 'in', licenseIds)
    .execute()
  return new Map(rows.map(({ id, ...policies }) => [id, policies]))
}

/** Ends the open sessions of these machines (their seat's resurrection window closed). */
export async function revokeSessionsOfMachines(
  ex: Executor,
  machineIds: string[],
  reason: string,
  now: string,
): Promise<number> {
  if (machineIds.length === 0) return 0
  const r = await ex
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('machine_id', 'in', machineIds)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Unbinds these machines (dead_machine=deactivate, once their resurrection window closed). */
export async function deleteMachines(ex: Executor, machineIds: string[]): Promise<void> {
  if (machineIds.length === 0) return
  await ex.deleteFrom('machines').where('id', 'in', machineIds).execute()
}
