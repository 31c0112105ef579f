import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { describe, expect, it } from 'vitest'
import { openStore } from '../connection'
import { migrations } from './index'

describe('0014_customer_notes_app_version', () => {
  it('brings a database made by 0010 forward: customers keep their rows with empty notes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig14-'))
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
      await sql`insert into customers (id, owner_id, email, name, created_at)
        values ('c1', null, 'a@example.com', null, 'now')`.execute(old)
      await old.destroy()

      const store = await openStore(file)
      try {
        const kept = await store.db
          .selectFrom('customers')
          .select(['email', 'notes'])
          .where('id', '=', 'c1')
          .execute()
        expect(kept).toEqual([{ email: 'a@example.com', notes: '' }])
        await store.db
          .updateTable('customers')
          .set({ notes: 'VIP' })
          .where('id', '=', 'c1')
          .execute()
        const cols = await sql<{
          name: string
        }>`select name from pragma_table_info('machines')`.execute(store.db)
        expect(cols.rows.map((r) => r.name)).toContain('app_version')
      } finally {
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
