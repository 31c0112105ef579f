import type { Db, Executor } from '../types'
import { prepared } from '../prepared'
import type { EventRow, NewEvent, Severity } from '../schema'
import type { EventDto, Page } from '@shared/dto'

const EVENT_COLUMNS = [
  'type',
  'severity',
  'product_id',
  'license_id',
  'machine_id',
  'hwid',
  'ip',
  'user_agent',
  'details',
  'blocked',
  'created_at',
] as const satisfies readonly (keyof NewEvent)[]
type EventValues = { [K in (typeof EVENT_COLUMNS)[number]]-?: NewEvent[K] }

// Every client request records an event: built and compiled once (see prepared).
const insertRow = prepared((ex: Executor, ...values: EventValues[keyof EventValues][]) =>
  ex
    .insertInto('events')
    .values(Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, values[i]])) as NewEvent)
    .returning('id'),
)

/** Appends one event; returns its id. */
export async function insertEvent(ex: Executor, row: EventValues): Promise<number> {
  const r = await insertRow(ex, ...EVENT_COLUMNS.map((c) => row[c]))
  return r.rows[0].id
}

/** Filters of the event log (every filter LicenseCM's security events name). */
export interface EventFilter {
  /** One type, or (when absent) any of `types`. */
  eventType?: string
  types?: readonly string[]
  severity?: Severity
  licenseId?: string
  productIds?: string[]
  /** Only events of this account's products (a `user` account's view). */
  ownerId?: string
  ip?: string
  hwid?: string
  isBlocked?: boolean
  startDate?: string
  endDate?: string
}

/** A page of events, newest first, with the total matching the filter. */
export async function listEvents(
  db: Db,
  f: EventFilter,
  page: number,
  limit: number,
): Promise<Page<EventDto>> {
  let q = db.selectFrom('events')
  if (f.eventType) q = q.where('type', '=', f.eventType)
  else if (f.types && f.types.length > 0) q = q.where('type', 'in', f.types)
  if (f.severity) q = q.where('severity', '=', f.severity)
  if (f.licenseId) q = q.where('license_id', '=', f.licenseId)
  if (f.productIds) q = q.where('product_id', 'in', f.productIds.length ? f.productIds : [''])
  if (f.ownerId) {
    const owner = f.ownerId
    q = q.where('product_id', 'in', (eb) =>
      eb.selectFrom('products').select('products.id').where('products.owner_id', '=', owner),
    )
  }
  if (f.ip) q = q.where('ip', '=', f.ip)
  if (f.hwid) q = q.where('hwid', '=', f.hwid)
  if (f.isBlocked !== undefined) q = q.where('blocked', '=', f.isBlocked ? 1 : 0)
  if (f.startDate) q = q.where('created_at', '>=', f.startDate)
  if (f.endDate) q = q.where('created_at', '<=', f.endDate)
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .offset((page - 1) * limit)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toEventDto), page, limit, total: Number(count.n) }
}

/** True when the event concerns a product `ownerId` owns (one indexed lookup, for live pushes). */
export async function eventOfOwner(
  ex: Executor,
  productId: string | null,
  ownerId: string,
): Promise<boolean> {
  if (!productId) return false
  const r = await ex
    .selectFrom('products')
    .select('id')
    .where('id', '=', productId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst()
  return r !== undefined
}

export function toEventDto(r: EventRow): EventDto {
  return {
    id: r.id,
    type: r.type,
    severity: r.severity,
    product_id: r.product_id,
    license_id: r.license_id,
    machine_id: r.machine_id,
    hwid: r.hwid,
    ip: r.ip,
    user_agent: r.user_agent,
    details: JSON.parse(r.details) as Record<string, unknown>,
    blocked: r.blocked === 1,
    created_at: r.created_at,
  }
}
