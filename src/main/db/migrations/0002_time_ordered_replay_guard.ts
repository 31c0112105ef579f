import type { Migration } from 'kysely/migration'
import { sql, type Kysely } from 'kysely'

/**
 * The replay guard keyed by time first: `(until, digest)`, WITHOUT ROWID. Keyed by the value
 * (random signatures), every remembered value dirtied a random page of a large B-tree, ~40 µs
 * per insert at a few hundred thousand rows; keyed by when it expires, the inserts of one
 * moment land on the same few pages and expired values are one range delete. Its rows only
 * matter for a few minutes, so the table is recreated empty.
 *
 * Challenges became self-contained (a MAC, no row per issued challenge): their table goes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function upSqlite(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('replay_guard').ifExists().execute()
  await sql`CREATE TABLE replay_guard (
    until INTEGER NOT NULL,
    digest BLOB NOT NULL,
    PRIMARY KEY (until, digest)
  ) WITHOUT ROWID`.execute(db)
  await db.schema.dropTable('challenges').ifExists().execute()
}

/**
 * The same on PostgreSQL: `until` is the expiry in epoch milliseconds (bigint), `digest` the
 * value's hash (bytea). A heap table with the (until, digest) primary key: inserts of one moment
 * land at the right edge of the key's B-tree, and expired values are one range delete on it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function upPostgres(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('replay_guard').ifExists().execute()
  await sql`CREATE TABLE replay_guard (
    until bigint NOT NULL,
    digest bytea NOT NULL,
    PRIMARY KEY (until, digest)
  )`.execute(db)
  await db.schema.dropTable('challenges').ifExists().execute()
}

export const sqlite: Migration = { up: upSqlite }
export const postgres: Migration = { up: upPostgres }
