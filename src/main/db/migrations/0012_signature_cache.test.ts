import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { describe, expect, it } from 'vitest'
import { openStore } from '../connection'
import { migrations } from './index'
import { findSignature, keepSignature, purgeSignatures } from '../repositories/signatures'

describe('0012_signature_cache', () => {
  it('brings a database made by 0010 forward, keeping its data; signatures are kept until they expire', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig12-'))
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
      await sql`insert into settings (key, value, updated_at) values ('setting.x', '1', 'now')`.execute(
        old,
      )
      await old.destroy()

      const store = await openStore(file)
      try {
        const kept = await sql<{
          value: string
        }>`select value from settings where key = 'setting.x'`.execute(store.db)
        expect(kept.rows).toEqual([{ value: '1' }])
        const t0 = '2026-12-02T18:00:00.000Z'
        const t1 = '2026-12-02T18:01:00.000Z'
        await keepSignature(store.db, { digest: 'd1', signature: 'SIG-A', expires_at: t1 })
        // A second signature of the same string (another worker, at the same moment) keeps the first.
        await keepSignature(store.db, { digest: 'd1', signature: 'SIG-B', expires_at: t1 })
        expect(await findSignature(store.db, 'd1', t0)).toBe('SIG-A')
        expect(await findSignature(store.db, 'd1', t1)).toBeUndefined()
        await purgeSignatures(store.db, t1)
        const left = await sql<{ n: number }>`select count(*) as n from signatures`.execute(
          store.db,
        )
        expect(left.rows[0].n).toBe(0)
      } finally {
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
