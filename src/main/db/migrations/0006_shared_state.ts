import type { Migration } from 'kysely/migration'
import type { Kysely } from 'kysely'

/**
 * What one node used to keep in memory and several nodes on one database must agree on:
 * - `console_sessions`: web-console logins (a logout or revocation on one node ends the
 *   session on every node; a restart no longer logs everyone out);
 * - `change_versions`: one counter per cached topic (blacklist, settings, API keys, product
 *   policy), bumped in the transaction that changes the topic, so another node's cache
 *   notices the change with one primary-key read;
 * - `counters`: fixed-window hit counts per key (the per-license validate limit);
 * - `window_members`: distinct members seen per key in a sliding window (brute-force
 *   detection counts distinct license keys per IP and per HWID).
 * Expired rows are purged by the services that write them (`expires_at` indexed).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('csrf', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('console_sessions_account')
    .on('console_sessions')
    .column('account_id')
    .execute()
  await db.schema
    .createIndex('console_sessions_expiry')
    .on('console_sessions')
    .column('expires_at')
    .execute()

  await db.schema
    .createTable('change_versions')
    .addColumn('topic', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('counters')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('counters_pk', ['key', 'window_start'])
    .execute()
  await db.schema.createIndex('counters_expiry').on('counters').column('expires_at').execute()

  await db.schema
    .createTable('window_members')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('member', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('window_members_pk', ['key', 'member'])
    .execute()
  await db.schema
    .createIndex('window_members_expiry')
    .on('window_members')
    .column('expires_at')
    .execute()
}

/*
 * The two bodies are the same schema-builder calls: every column is `text` or `integer`,
 * which both dialects spell alike (timestamps stay ISO text, as on every other table), and
 * composite primary keys are standard SQL. Kept as two exports so either can diverge later.
 */
export const sqlite: Migration = { up }

export const postgres: Migration = { up }
