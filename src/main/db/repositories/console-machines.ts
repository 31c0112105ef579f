import { sql } from 'kysely'
import type { MachineDto } from '@shared/channels/console-licenses'
import type { Executor } from '../connection'
import { dialectSql } from '../dialects'
import { escapeLike } from './products'
import { ownerCondition, type OwnerScope } from './store'

/** A machine bound to a license, with how many open sessions it holds: its DTO less what is derived. */
export type MachineListRow = Omit<MachineDto, 'heartbeat' | 'last_seen_at'> & {
  /** Written by activations and heartbeats (machines.last_seen_at). */
  touched_at: string
}

/** A machine as the machines view lists it: with its license, product and their policies. */
export type MachineViewRow = MachineListRow & {
  license_id: string
  license_key: string
  product_id: string
  product_name: string
  product_policy: string
  license_policy: string | null
}

/**
 * The machines of licenses, with open sessions and the newest validation that named the
 * machine's HWID (validations are reads: they write an event, not the machine row). The
 * validation is found walking the license's events newest first (events_license index).
 */
function machineQuery(ex: Executor, now: string) {
  return ex
    .selectFrom('machines as m')
    .innerJoin('licenses as l', 'l.id', 'm.license_id')
    .innerJoin('products as p', 'p.id', 'l.product_id')
    .select([
      'm.id',
      'm.hwid',
      'm.name',
      'm.platform',
      'm.os_version',
      'm.app_version',
      'm.ip',
      'm.first_seen_at',
      'm.last_seen_at as touched_at',
      'm.last_heartbeat_at',
      'm.environment',
      'm.seat',
      'm.license_id',
      'l.key as license_key',
      'l.product_id',
      'p.name as product_name',
      'p.policy as product_policy',
      'l.policy as license_policy',
    ])
    .select((eb) => [
      eb
        .selectFrom('sessions as s')
        .whereRef('s.machine_id', '=', 'm.id')
        .where('s.revoked_at', 'is', null)
        .where('s.expires_at', '>', now)
        .select(eb.fn.countAll<number>().as('n'))
        .as('open_sessions'),
      eb
        .selectFrom('events as e')
        .whereRef('e.license_id', '=', 'm.license_id')
        .whereRef('e.hwid', '=', 'm.hwid')
        .where('e.type', '=', 'license_validation')
        .select('e.created_at')
        .orderBy('e.id', 'desc')
        .limit(1)
        .as('last_validated_at'),
    ])
}

type Raw = Omit<MachineViewRow, 'open_sessions'> & { open_sessions: number | string | null }

function normalize(r: Raw): MachineViewRow {
  return { ...r, open_sessions: Number(r.open_sessions ?? 0) }
}

export async function listLicenseMachines(
  ex: Executor,
  licenseId: string,
  now: string,
): Promise<MachineViewRow[]> {
  const rows = await machineQuery(ex, now)
    .where('m.license_id', '=', licenseId)
    .orderBy('m.last_seen_at', 'desc')
    .execute()
  return rows.map((r) => normalize(r as Raw))
}

/** Which machines a listing covers: a scope's, optionally one customer's or matching a search. */
export interface MachineFilter {
  scope: OwnerScope
  customerId?: string
  /** HWID, license key or IP prefix, or platform / app version text. */
  q?: string
}

/** Machines across licenses, most recently heard from first, one page at a time. */
export async function listMachines(
  ex: Executor,
  f: MachineFilter,
  now: string,
  page: number,
  limit: number,
): Promise<{ rows: MachineViewRow[]; total: number }> {
  const filtered = <Q extends ReturnType<typeof machineQuery>>(q: Q): Q => {
    let out = q.where(ownerCondition(f.scope, 'p.owner_id')) as Q
    if (f.customerId) out = out.where('l.customer_id', '=', f.customerId) as Q
    const text = f.q?.trim()
    if (text) {
      const prefix = `${escapeLike(text)}%`
      const inside = `%${escapeLike(text)}%`
      const like = dialectSql(ex).ilike
      out = out.where((eb) =>
        eb.or([
          like(sql.ref('m.hwid'), prefix),
          like(sql.ref('l.key'), prefix),
          like(sql.ref('m.ip'), prefix),
          like(sql.ref('m.platform'), inside),
          like(sql.ref('m.app_version'), inside),
        ]),
      ) as Q
    }
    return out
  }
  const rows = await filtered(machineQuery(ex, now))
    .orderBy('m.last_seen_at', 'desc')
    .orderBy('m.id')
    .limit(limit)
    .offset((page - 1) * limit)
    .execute()
  const count = await filtered(machineQuery(ex, now))
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return { rows: rows.map((r) => normalize(r as Raw)), total: Number(count.n) }
}
