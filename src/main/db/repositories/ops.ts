import { sql } from 'kysely'
import type { Db } from '../connection'

/** One round trip that proves the database answers. */
export async function ping(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db)
}

/** The names of the migrations applied (Kysely's own bookkeeping table). */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db)
  return r.rows.map((row) => row.name)
}

/** Webhook deliveries waiting to be sent (queue depth) and given up on (failed), in one query. */
export async function deliveryCounts(db: Db): Promise<{ pending: number; failed: number }> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy('status')
    .execute()
  const n = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0)
  return { pending: n('pending'), failed: n('failed') }
}
