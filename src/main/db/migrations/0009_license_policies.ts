import type { Migration } from 'kysely/migration'
import { sql, type Kysely } from 'kysely'

/**
 * License policies (issue #16): a license's own policy override, and the seat a machine holds.
 * - `licenses.policy`: JSON of the seat-policy fields the license overrides (null: none).
 * - `machines.seat`: 'held' (the machine holds a seat / its binding is watched), 'freed' (culled:
 *   its heartbeats stopped; it may come back until `seat_bury_at`), null (not watched: a
 *   node-locked machine under dead_machine=keep, or a floating machine whose seat was freed and
 *   whose resurrection window ended).
 * - `machines.seat_dead_at`: when a held seat is dead unless a heartbeat comes first (null:
 *   never, dead_machine=keep); `seat_bury_at`: when the resurrection window closes. Both are
 *   written by the activation or heartbeat from the policy then in force, so culling is one
 *   indexed conditional UPDATE that needs no policy.
 * Partial indexes hold only the rows culling looks for (SQLite and PostgreSQL both have them),
 * so 100k idle node-locked machines cost culling nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('licenses').addColumn('policy', 'text').execute()
  await db.schema.alterTable('machines').addColumn('seat', 'text').execute()
  await db.schema.alterTable('machines').addColumn('seat_dead_at', 'text').execute()
  await db.schema.alterTable('machines').addColumn('seat_bury_at', 'text').execute()
  await db.schema
    .createIndex('machines_seat_dead')
    .on('machines')
    .column('seat_dead_at')
    .where(sql.ref('seat'), '=', 'held')
    .execute()
  await db.schema
    .createIndex('machines_seat_bury')
    .on('machines')
    .column('seat_bury_at')
    .where(sql.ref('seat'), '=', 'freed')
    .execute()
}

/*
 * The same schema-builder calls on both dialects: `text` columns (timestamps stay ISO text as
 * on every other table) and partial indexes, which both spell alike. Two exports so either can
 * diverge later.
 */
export const sqlite: Migration = { up }

export const postgres: Migration = { up }
