import type { Migration } from 'kysely/migration'
import type { Kysely } from 'kysely'

/**
 * `signatures` (#19): the RSA signatures of answers that repeat (a validate or heartbeat answer
 * within its license's minute), by the SHA-256 of the signed string, kept until the answer stops
 * repeating. Used only when several processes serve the database (`serve --workers N`,
 * PostgreSQL nodes): what one signed, the others read (a primary-key lookup) instead of spending
 * another RSA-4096 signature on it. Expired rows are purged.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signatures')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('signatures_expiry').on('signatures').column('expires_at').execute()
}

/* Text columns only, spelled alike by both dialects (timestamps are ISO text). */
export const sqlite: Migration = { up }
export const postgres: Migration = { up }
