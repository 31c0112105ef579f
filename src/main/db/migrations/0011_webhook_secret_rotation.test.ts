import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { freshPostgresDatabase, onPostgres } from '../../../../test/helpers/store'
import { openStore } from '../connection'
import type { DialectName } from '../types'
import { migrations } from './index'
import { clearExpiredPreviousSecrets, findWebhook, updateWebhook } from '../repositories/webhooks'

/** An empty database of `dialect`, a bare Kysely on it, and its cleanup. */
async function emptyDatabase(dialect: DialectName) {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig11-'))
    const target = join(dir, 'k.db')
    return {
      target,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- schemas of past migrations
      old: new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(target) }) }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  const { url, drop } = await freshPostgresDatabase({ empty: true })
  return {
    target: url,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- schemas of past migrations
    old: new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    }),
    drop,
  }
}

describe.each(['sqlite', 'postgres'] as DialectName[])(
  '0011_webhook_secret_rotation on %s',
  (dialect) => {
    it.skipIf(dialect === 'postgres' && !onPostgres)(
      'brings a database made by 0010 forward, keeping its webhooks, with no overlap',
      async () => {
        const e = await emptyDatabase(dialect)
        try {
          const before = Object.fromEntries(
            Object.entries(migrations)
              .filter(([name]) => name <= '0010_license_files')
              .map(([name, m]) => [name, m[dialect]]),
          )
          const { error } = await new Migrator({
            db: e.old,
            provider: { getMigrations: async () => before },
          }).migrateToLatest()
          expect(error).toBeUndefined()
          await sql`INSERT INTO webhooks (id, owner_id, url, events, secret, is_active, created_at, updated_at)
            VALUES ('w1', NULL, 'https://example.com/h', '["license.created"]', 'v1.a.b.c', 1, 'now', 'now')`.execute(
            e.old,
          )
          await e.old.destroy()

          const store = await openStore(e.target)
          try {
            expect(await findWebhook(store.db, 'w1')).toMatchObject({
              secret: 'v1.a.b.c',
              previous_secret: null,
              previous_secret_expires_at: null,
            })
            // The new columns work as the rotation and the minute sweep use them.
            await updateWebhook(store.db, 'w1', {
              previous_secret: 'v1.d.e.f',
              previous_secret_expires_at: '2026-01-02T00:00:00.000Z',
            })
            expect(await clearExpiredPreviousSecrets(store.db, '2026-01-01T00:00:00.000Z')).toBe(0)
            expect(await clearExpiredPreviousSecrets(store.db, '2026-01-02T00:00:00.000Z')).toBe(1)
            expect(await findWebhook(store.db, 'w1')).toMatchObject({ previous_secret: null })
          } finally {
            await store.close()
          }
        } finally {
          await e.drop()
        }
      },
    )
  },
)
