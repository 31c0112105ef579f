import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { describe, expect, it } from 'vitest'
import { openStore } from '../connection'
import { migrations } from './index'
import { clearExpiredPreviousSecrets, findWebhook, updateWebhook } from '../repositories/webhooks'

describe('0011_webhook_secret_rotation', () => {
  it('brings a database made by 0010 forward, keeping its webhooks, with no overlap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig11-'))
    try {
      const file = join(dir, 'k.db')
      const old = new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) })
      const before = Object.fromEntries(
        Object.entries(migrations)
          .filter(([name]) => name <= '0010_license_files')
          .map(([name, m]) => [name, m.sqlite]),
      )
      const { error } = await new Migrator({
        db: old,
        provider: { getMigrations: async () => before },
      }).migrateToLatest()
      expect(error).toBeUndefined()
      await sql`insert into webhooks (id, owner_id, url, events, secret, is_active, created_at, updated_at)
                values ('w1', null, 'https://example.com/h', '["license.created"]', 'v1.a.b.c', 1, 'now', 'now')`.execute(
        old,
      )
      await old.destroy()

      const store = await openStore(file)
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
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
