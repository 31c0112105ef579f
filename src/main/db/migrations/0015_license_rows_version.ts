import type { Migration } from 'kysely/migration'
import { sql, type Kysely } from 'kysely'

/**
 * `license_rows_version` (#19): one counter that SQLite triggers move whenever a license or
 * product row is updated or deleted, i.e. whenever what the engine decides on
 * (repositories/machines.ts findLicenseForCheck) may have changed. A writing operation reads
 * its license before its transaction, with this version in the same statement, and inside the
 * transaction reads the version again: equal means the row read is current, so it is not read
 * again. The general change mark (total_changes:data_version) moved on every write of every
 * request in the same group commit, so nearly every heartbeat read its license twice.
 * Inserts do not move it: an operation whose license was not found ends before its transaction.
 *
 * The counter only ever grows, so it is local to the database file and never copied by a backup
 * or a restore (db/logical.ts): a restore deletes the licenses it replaces, which moves it.
 *
 * PostgreSQL: the same table, empty and without triggers; there the locked re-read (FOR UPDATE)
 * is what makes the decisions on one license take turns across connections and nodes, so it
 * always happens.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function createTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('license_rows_version')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function upSqlite(db: Kysely<any>): Promise<void> {
  await createTable(db)
  await sql`INSERT INTO license_rows_version (id, version) VALUES (1, 0)`.execute(db)
  for (const [table, op] of [
    ['licenses', 'UPDATE'],
    ['licenses', 'DELETE'],
    ['products', 'UPDATE'],
    ['products', 'DELETE'],
  ] as const) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_${op.toLowerCase()}_moves_license_rows_version
         AFTER ${op} ON ${table}
         BEGIN
           UPDATE license_rows_version SET version = version + 1 WHERE id = 1;
         END`,
      )
      .execute(db)
  }
}

export const sqlite: Migration = { up: upSqlite }

export const postgres: Migration = { up: createTable }
