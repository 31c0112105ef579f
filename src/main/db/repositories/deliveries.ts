import type BetterSqlite3 from 'better-sqlite3'
import type { Selectable } from 'kysely'
import type { Db } from '../connection'
import type { EventRow, Role, WebhookDeliveriesTable } from '../schema'
import { stmt } from './statements'

/**
 * The webhook outbox. Deliveries are derived from the events table through a cursor (the
 * last event id turned into deliveries), advanced in the same transaction that inserts the
 * deliveries: an event committed is an event delivered, whatever crashes in between.
 * The worker's statements are synchronous better-sqlite3 ones, so each step is atomic.
 */
export type DeliveryRow = Selectable<WebhookDeliveriesTable>

const CURSOR_KEY = 'webhooks.event_cursor'

export function maxEventId(sqlite: BetterSqlite3.Database): number {
  return (stmt(sqlite, 'SELECT COALESCE(MAX(id), 0) AS n FROM events').get() as { n: number }).n
}

/** The outbox cursor, or null when it was never set (a new installation). */
export function readCursor(sqlite: BetterSqlite3.Database): number | null {
  const r = stmt(sqlite, 'SELECT value FROM settings WHERE key = ?').get(CURSOR_KEY) as
    { value: string } | undefined
  return r ? Number(JSON.parse(r.value)) : null
}

export function writeCursor(sqlite: BetterSqlite3.Database, id: number, now: string): void {
  stmt(
    sqlite,
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(CURSOR_KEY, JSON.stringify(id), now)
}

export function eventsAfter(
  sqlite: BetterSqlite3.Database,
  afterId: number,
  limit: number,
): EventRow[] {
  return stmt(sqlite, 'SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?').all(
    afterId,
    limit,
  ) as EventRow[]
}

export interface ActiveWebhook {
  id: string
  owner_id: string | null
  owner_role: Role | null
  events: string
  secret: string
  url: string
}

export function activeWebhooks(sqlite: BetterSqlite3.Database): ActiveWebhook[] {
  return stmt(
    sqlite,
    `SELECT w.id, w.owner_id, a.role AS owner_role, w.events, w.secret, w.url
       FROM webhooks w LEFT JOIN accounts a ON a.id = w.owner_id WHERE w.is_active = 1`,
  ).all() as ActiveWebhook[]
}

export function productOwner(
  sqlite: BetterSqlite3.Database,
  productId: string,
): string | null | undefined {
  const r = stmt(sqlite, 'SELECT owner_id FROM products WHERE id = ?').get(productId) as
    { owner_id: string | null } | undefined
  return r?.owner_id
}

/** Inserts a delivery unless this webhook already has one for this event; true if inserted. */
export function enqueue(
  sqlite: BetterSqlite3.Database,
  d: Pick<
    DeliveryRow,
    'id' | 'webhook_id' | 'event_id' | 'event_type' | 'payload' | 'created_at'
  > & {
    next_attempt_at: string
  },
): boolean {
  return (
    stmt(
      sqlite,
      `INSERT OR IGNORE INTO webhook_deliveries
         (id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
       VALUES (@id, @webhook_id, @event_id, @event_type, @payload, 'pending', 0, @next_attempt_at, @created_at)`,
    ).run(d).changes === 1
  )
}

/** A delivery with what sending it needs. */
export type DueDelivery = DeliveryRow & {
  url: string
  secret: string
  owner_role: Role | null
  owner_id: string | null
}

/**
 * Claims up to `limit` due deliveries: pushes their next_attempt_at to `leaseUntil` so that
 * no other tick (or process after a crash, before the lease ends) picks them up meanwhile.
 */
export function claimDue(
  sqlite: BetterSqlite3.Database,
  now: string,
  leaseUntil: string,
  limit: number,
): DueDelivery[] {
  return sqlite.transaction(() => {
    const rows = stmt(
      sqlite,
      `SELECT d.*, w.url, w.secret, w.owner_id, a.role AS owner_role
         FROM webhook_deliveries d
         JOIN webhooks w ON w.id = d.webhook_id
         LEFT JOIN accounts a ON a.id = w.owner_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= ?
        ORDER BY d.next_attempt_at LIMIT ?`,
    ).all(now, limit) as DueDelivery[]
    const lease = stmt(sqlite, 'UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?')
    for (const r of rows) lease.run(leaseUntil, r.id)
    return rows
  })()
}

/** The earliest pending next_attempt_at, or null when nothing waits. */
export function nextDueAt(sqlite: BetterSqlite3.Database): string | null {
  const r = stmt(
    sqlite,
    `SELECT MIN(next_attempt_at) AS t FROM webhook_deliveries WHERE status = 'pending'`,
  ).get() as { t: string | null }
  return r.t
}

export interface AttemptOutcome {
  id: string
  status: 'pending' | 'delivered' | 'failed'
  nextAttemptAt: string | null
  statusCode: number | null
  responseMs: number
  error: string | null
  now: string
}

export function recordAttempt(sqlite: BetterSqlite3.Database, o: AttemptOutcome): void {
  stmt(
    sqlite,
    `UPDATE webhook_deliveries
        SET status = @status, attempts = attempts + 1, next_attempt_at = @nextAttemptAt,
            last_status_code = @statusCode, last_response_ms = @responseMs, last_error = @error,
            delivered_at = CASE WHEN @status = 'delivered' THEN @now ELSE delivered_at END
      WHERE id = @id`,
  ).run(o)
}

/** A delivery row inserted already sent (test sends): the log shows them too. */
export function insertSent(sqlite: BetterSqlite3.Database, d: DeliveryRow): void {
  stmt(
    sqlite,
    `INSERT INTO webhook_deliveries
       (id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at,
        last_status_code, last_response_ms, last_error, created_at, delivered_at)
     VALUES (@id, @webhook_id, @event_id, @event_type, @payload, @status, @attempts, @next_attempt_at,
        @last_status_code, @last_response_ms, @last_error, @created_at, @delivered_at)`,
  ).run(d)
}

/** Puts a delivery back in the queue to be sent at `at` (manual redelivery). */
export function requeue(sqlite: BetterSqlite3.Database, id: string, at: string): boolean {
  return (
    stmt(
      sqlite,
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, attempts = 0 WHERE id = ?`,
    ).run(at, id).changes === 1
  )
}

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listDeliveries(
  db: Db,
  webhookId: string,
  status: DeliveryRow['status'] | undefined,
  page: number,
  limit: number,
): Promise<{ rows: DeliveryRow[]; total: number }> {
  let q = db.selectFrom('webhook_deliveries').where('webhook_id', '=', webhookId)
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

/**
 * Licenses that reached `expires_at` and were never announced, claimed atomically: the
 * UPDATE only succeeds while expired_notified_at IS NULL, so a license is announced once
 * even if two sweeps race or the process restarts. Returns the claimed rows.
 */
export function claimExpiredLicenses(
  sqlite: BetterSqlite3.Database,
  now: string,
  limit: number,
): { id: string; product_id: string; key: string; expires_at: string }[] {
  const rows = stmt(
    sqlite,
    `SELECT id, product_id, key, expires_at FROM licenses INDEXED BY licenses_expiry_due
      WHERE expired_notified_at IS NULL AND status = 'active'
        AND expires_at IS NOT NULL AND expires_at <= ?
      ORDER BY expires_at LIMIT ?`,
  ).all(now, limit) as { id: string; product_id: string; key: string; expires_at: string }[]
  const claim = stmt(
    sqlite,
    'UPDATE licenses SET expired_notified_at = ? WHERE id = ? AND expired_notified_at IS NULL',
  )
  return rows.filter((r) => claim.run(now, r.id).changes === 1)
}

/** Inserts an event row inside the caller's transaction; returns its id. */
export function insertEventSync(sqlite: BetterSqlite3.Database, e: Omit<EventRow, 'id'>): number {
  return Number(
    stmt(
      sqlite,
      `INSERT INTO events (type, severity, product_id, license_id, machine_id, hwid, ip, user_agent, details, blocked, created_at)
       VALUES (@type, @severity, @product_id, @license_id, @machine_id, @hwid, @ip, @user_agent, @details, @blocked, @created_at)`,
    ).run(e).lastInsertRowid,
  )
}
