import { sql, type Selectable } from 'kysely'
import type { Executor } from '../types'
import type { EventRow, NewEvent, Role, WebhookDeliveriesTable } from '../schema'
import { dialectSql } from '../dialects'

/**
 * The webhook outbox. Deliveries are derived from the events table through a cursor (the
 * last event id turned into deliveries), advanced in the same transaction that inserts the
 * deliveries: an event committed is an event delivered, whatever crashes in between.
 * Claims go through the dialect (FOR UPDATE SKIP LOCKED on PostgreSQL), so with several nodes
 * on one database each delivery is sent by one node.
 */
export type DeliveryRow = Selectable<WebhookDeliveriesTable>

const CURSOR_KEY = 'webhooks.event_cursor'

export async function maxEventId(ex: Executor): Promise<number> {
  const r = await ex
    .selectFrom('events')
    .select((eb) => eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)).as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/**
 * The outbox cursor, or null when it was never set (a new installation). With `lock` (inside
 * the drain's transaction) the row stays locked until commit: concurrent drains take turns.
 */
export async function readCursor(ex: Executor, lock = false): Promise<number | null> {
  const r = await ex
    .selectFrom('settings')
    .select('value')
    .where('key', '=', CURSOR_KEY)
    .$if(lock, (q) => q.modifyEnd(dialectSql(ex).outboxCursorLock()))
    .executeTakeFirst()
  return r ? Number(JSON.parse(r.value)) : null
}

export async function writeCursor(ex: Executor, id: number, now: string): Promise<void> {
  await ex
    .insertInto('settings')
    .values({ key: CURSOR_KEY, value: JSON.stringify(id), updated_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute()
}

/** Events after `afterId` (and at most `upTo` when given), oldest first. */
export async function eventsAfter(
  ex: Executor,
  afterId: number,
  limit: number,
  upTo: number | null = null,
): Promise<EventRow[]> {
  return ex
    .selectFrom('events')
    .selectAll()
    .where('id', '>', afterId)
    .$if(upTo !== null, (q) => q.where('id', '<=', upTo!))
    .orderBy('id')
    .limit(limit)
    .execute()
}

export interface ActiveWebhook {
  id: string
  owner_id: string | null
  owner_role: Role | null
  events: string
  secret: string
  url: string
}

export async function activeWebhooks(ex: Executor): Promise<ActiveWebhook[]> {
  return ex
    .selectFrom('webhooks as w')
    .leftJoin('accounts as a', 'a.id', 'w.owner_id')
    .select(['w.id', 'w.owner_id', 'a.role as owner_role', 'w.events', 'w.secret', 'w.url'])
    .where('w.is_active', '=', 1)
    .execute()
}

export async function productOwner(
  ex: Executor,
  productId: string,
): Promise<string | null | undefined> {
  const r = await ex
    .selectFrom('products')
    .select('owner_id')
    .where('id', '=', productId)
    .executeTakeFirst()
  return r?.owner_id
}

/** Inserts a delivery unless this webhook already has one for this event; true if inserted. */
export async function enqueue(
  ex: Executor,
  d: Pick<
    DeliveryRow,
    'id' | 'webhook_id' | 'event_id' | 'event_type' | 'payload' | 'created_at'
  > & {
    next_attempt_at: string
  },
): Promise<boolean> {
  // Untargeted DO NOTHING: the (webhook_id, event_id) index is partial, and both dialects
  // accept this form.
  const r = await ex
    .insertInto('webhook_deliveries')
    .values({ ...d, status: 'pending', attempts: 0 })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1
}

/** A delivery with what sending it needs, and the lease its claim set. */
export type DueDelivery = DeliveryRow & {
  url: string
  secret: string
  previous_secret: string | null
  previous_secret_expires_at: string | null
  owner_role: Role | null
  owner_id: string | null
  lease: string
}

/**
 * Claims up to `limit` due deliveries (run it in a transaction): pushes their next_attempt_at
 * to `leaseUntil` so that no other tick or node picks them up before the lease ends; after it
 * (a node died mid-send) they are due again.
 */
export async function claimDue(
  ex: Executor,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<DueDelivery[]> {
  const ids = (
    await sql<{ id: string }>`
      UPDATE webhook_deliveries SET next_attempt_at = ${leaseUntil}
       WHERE id IN (SELECT id FROM webhook_deliveries
                     WHERE status = 'pending' AND next_attempt_at <= ${now}
                     ORDER BY next_attempt_at LIMIT ${limit}
                     ${dialectSql(ex).skipLocked()})
       RETURNING id`.execute(ex)
  ).rows.map((r) => r.id)
  if (ids.length === 0) return []
  const rows = await ex
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .leftJoin('accounts as a', 'a.id', 'w.owner_id')
    .selectAll('d')
    .select([
      'w.url',
      'w.secret',
      'w.previous_secret',
      'w.previous_secret_expires_at',
      'w.owner_id',
      'a.role as owner_role',
    ])
    .where('d.id', 'in', ids)
    .orderBy('d.created_at')
    .execute()
  return rows.map((r) => ({ ...r, lease: leaseUntil }))
}

/** The earliest pending next_attempt_at, or null when nothing waits. */
export async function nextDueAt(ex: Executor): Promise<string | null> {
  const r = await ex
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('t'))
    .where('status', '=', 'pending')
    .executeTakeFirst()
  return (r?.t as string | null | undefined) ?? null
}

export interface AttemptOutcome {
  id: string
  /** The lease the claim set: the outcome is recorded only while the delivery still holds it. */
  lease: string
  status: 'pending' | 'delivered' | 'failed'
  nextAttemptAt: string | null
  statusCode: number | null
  responseMs: number
  error: string | null
  now: string
}

/**
 * Records one attempt. A send that outlived its lease (another node re-claimed the delivery,
 * or it was queued again by hand) records nothing: the newer claim owns the row. False then.
 */
export async function recordAttempt(ex: Executor, o: AttemptOutcome): Promise<boolean> {
  const r = await ex
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: o.status,
      attempts: eb('attempts', '+', 1),
      next_attempt_at: o.nextAttemptAt,
      last_status_code: o.statusCode,
      last_response_ms: o.responseMs,
      last_error: o.error,
      ...(o.status === 'delivered' && { delivered_at: o.now }),
    }))
    .where('id', '=', o.id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', o.lease)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** A delivery row inserted already sent (test sends): the log shows them too. */
export async function insertSent(ex: Executor, d: DeliveryRow): Promise<void> {
  await ex.insertInto('webhook_deliveries').values(d).execute()
}

/** Puts a delivery back in the queue to be sent at `at` (manual redelivery). */
export async function requeue(ex: Executor, id: string, at: string): Promise<boolean> {
  const r = await ex
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: at, attempts: 0 })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function findDelivery(ex: Executor, id: string): Promise<DeliveryRow | undefined> {
  return ex.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listDeliveries(
  ex: Executor,
  webhookId: string,
  status: DeliveryRow['status'] | undefined,
  page: number,
  limit: number,
): Promise<{ rows: DeliveryRow[]; total: number }> {
  let q = ex.selectFrom('webhook_deliveries').where('webhook_id', '=', webhookId)
  if (status) q = q.where('status', '=', status)
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset((page - 1) * limit)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

/** One expired, unannounced license as the sweep claims it. */
export interface ExpiringLicense {
  id: string
  product_id: string
  key: string
  expires_at: string
}

/**
 * Licenses that reached `expires_at` and were never announced, marked announced and returned
 * in one statement: the `expired_notified_at IS NULL` guard (and, with several nodes, the
 * dialect's skipLocked) announces each once even if two sweeps or two nodes race. Read through
 * licenses_expiry_due: SQLite's planner otherwise scans licenses by status.
 */
export async function claimExpiredLicenses(
  ex: Executor,
  now: string,
  limit: number,
): Promise<ExpiringLicense[]> {
  const d = dialectSql(ex)
  const r = await sql<ExpiringLicense>`
    UPDATE licenses SET expired_notified_at = ${now}
     WHERE expired_notified_at IS NULL
       AND id IN (SELECT id FROM ${d.tableVia('licenses', 'licenses_expiry_due')}
                   WHERE expired_notified_at IS NULL AND status = 'active'
                     AND expires_at IS NOT NULL AND expires_at <= ${now}
                   ORDER BY expires_at LIMIT ${limit}
                   ${d.skipLocked()})
     RETURNING id, product_id, key, expires_at`.execute(ex)
  return r.rows
}

/** Inserts an event row (inside the caller's transaction); returns its id. */
export async function insertEvent(ex: Executor, e: NewEvent): Promise<number> {
  const r = await ex.insertInto('events').values(e).returning('id').executeTakeFirstOrThrow()
  return Number(r.id)
}

/** The highest event id a drain may move the cursor past (see the dialect's outboxHorizon). */
export async function eventHorizon(ex: Executor): Promise<number | null> {
  return dialectSql(ex).outboxHorizon(ex)
}
