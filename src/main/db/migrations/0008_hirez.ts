import type { Migration } from 'kysely/migration'
import type { Kysely } from 'kysely'

/**
 * The Hi-Rez-style developer API (`/hirez/`):
 * - `hirez_developers`: developer credentials. `dev_id` is the 4-digit integer clients send;
 *   `auth_key_sealed` the 32-hex auth key sealed under master.key (the server must read it back
 *   to check MD5 signatures); `product_ids` a JSON array narrowing the owning account's products
 *   (empty: all of them); the limits each credential has, and its reseller allotment with how
 *   much of it is used.
 * - `hirez_sessions`: the 15-minute sessions, in the database so that every node sharing one
 *   PostgreSQL agrees on them (a session made on one node works on the next, a revoke ends it
 *   everywhere). Stored as the SHA-256 of the session id, like every other session token.
 * Daily counts (sessions and requests per credential per UTC day) live in `counters` (0006).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hirez_developers')
    .addColumn('dev_id', 'integer', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('auth_key_sealed', 'text', (c) => c.notNull())
    .addColumn('product_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('max_concurrent_sessions', 'integer', (c) => c.notNull())
    .addColumn('max_daily_sessions', 'integer', (c) => c.notNull())
    .addColumn('session_minutes', 'integer', (c) => c.notNull())
    .addColumn('max_daily_requests', 'integer', (c) => c.notNull())
    .addColumn('license_allotment', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('licenses_created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('rekeyed_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute()
  await db.schema
    .createIndex('hirez_developers_account')
    .on('hirez_developers')
    .column('account_id')
    .execute()

  await db.schema
    .createTable('hirez_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('dev_id', 'integer', (c) =>
      c.notNull().references('hirez_developers.dev_id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema
    .createIndex('hirez_sessions_dev')
    .on('hirez_sessions')
    .columns(['dev_id', 'expires_at'])
    .execute()
  await db.schema
    .createIndex('hirez_sessions_expiry')
    .on('hirez_sessions')
    .column('expires_at')
    .execute()
}

/*
 * The same schema-builder calls on both dialects: `text` and `integer` columns, ISO-text times
 * as on every other table. Two exports so either can diverge later.
 */
export const sqlite: Migration = { up }

export const postgres: Migration = { up }
