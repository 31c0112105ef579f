import type { Migration } from 'kysely/migration'
import { sql, type Kysely } from 'kysely'

/**
 * New licenses get their rows of the search index (licenses_fts) from the one insert path,
 * repositories/licenses `insertLicensesSync`, set-based, 100 per statement, instead of from an
 * AFTER INSERT trigger that ran once per key: creating 100,000 keys on a 1M-license database
 * spent ~1.1 s of ~4.2 s of SQLite time in that trigger, ~0.4 s set-based. The update and
 * delete triggers stay.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function upSqlite(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS licenses_fts_ai`.execute(db)
}

export const sqlite: Migration = { up: upSqlite }
/**
 * Nothing to do on PostgreSQL: its search reads trigram indexes on the license columns
 * themselves (0001), which no trigger feeds. The migration still runs so that both dialects
 * record the same list of applied migrations.
 */
export const postgres: Migration = { up: async () => {} }
