import type { Migration } from 'kysely/migration'
import type { Kysely } from 'kysely'

/**
 * The console's customer page and machines view (#18):
 * - `customers.notes`: the vendor's own notes on a customer, kept where the customer lives.
 * - `machines.app_version`: the app version a machine last activated with (client data), shown
 *   in the machines view next to its platform.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.alterTable('machines').addColumn('app_version', 'text').execute()
}

/* Text columns only, spelled alike by both dialects. */
export const sqlite: Migration = { up }

export const postgres: Migration = { up }
