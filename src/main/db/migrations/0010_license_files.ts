import type { Migration } from 'kysely/migration'
import type { Kysely } from 'kysely'

/**
 * Offline license files (#16):
 * - `signing_keys`: the public half of each server signing key the installation uses, by
 *   algorithm ('ed25519'). A start compares the data folder's key with it, so a node set up
 *   with another folder's (or no) key refuses instead of signing files no app accepts.
 * - `license_files`: every file checked out (never the file itself: it is signed, not
 *   secret, and can be made again). The revocation list is read from it: files revoked by
 *   hand, and files of licenses since banned, suspended or deleted (no foreign key, so a
 *   deleted license's files stay listed until they expire).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('alg', 'text', (c) => c.primaryKey())
    .addColumn('public_pem', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('license_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('license_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('machine_fingerprint', 'text')
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    .execute()
  await db.schema
    .createIndex('license_files_license')
    .on('license_files')
    .column('license_id')
    .execute()
  await db.schema
    .createIndex('license_files_expiry')
    .on('license_files')
    .column('expires_at')
    .execute()
}

/* Text and integer columns only, spelled alike by both dialects (timestamps are ISO text). */
export const sqlite: Migration = { up }

export const postgres: Migration = { up }
