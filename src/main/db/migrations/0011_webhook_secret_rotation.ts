import type { Migration } from 'kysely/migration'
import type { Kysely } from 'kysely'

/**
 * Webhook secret rotation with an overlap window (#17): the secret a rotation replaced, sealed
 * under master.key like the current one, and the time until which deliveries are still signed
 * with it too (`Keywarden-Signature: t=..,v1=<new>,v1=<old>`). Both null outside a window.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhooks').addColumn('previous_secret', 'text').execute()
  await db.schema.alterTable('webhooks').addColumn('previous_secret_expires_at', 'text').execute()
}

/* Nullable text columns, spelled alike by both dialects (timestamps are ISO text). */
export const sqlite: Migration = { up }

export const postgres: Migration = { up }
