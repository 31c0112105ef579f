import { describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { openStore } from '../connection'
import { migrations } from './index'

describe('migrations', () => {
  it('bring an empty database to the latest schema, with every table of the domain model', async () => {
    const store = await openStore(':memory:')
    try {
      const tables = await sql<{
        name: string
      }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(
        store.db,
      )
      const names = tables.rows.map((r) => r.name).sort()
      for (const t of [
        'accounts',
        'products',
        'licenses',
        'machines',
        'sessions',
        'variables',
        'events',
        'blacklist',
        'webhooks',
        'webhook_deliveries',
        'api_keys',
        'customers',
        'orders',
      ]) {
        expect(names).toContain(t)
      }
      const applied = await sql<{
        name: string
      }>`select name from kysely_migration order by name`.execute(store.db)
      expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations))
      expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    } finally {
      await store.close()
    }
  })

  it('are idempotent: opening a migrated database again changes nothing', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig-'))
    try {
      const file = join(dir, 'k.db')
      const a = await openStore(file)
      expect(a.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
      await a.close()
      const b = await openStore(file)
      const n = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(b.db)
      expect(n.rows[0].n).toBe(Object.keys(migrations).length)
      await b.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('enforce the schema: a license needs an existing product', async () => {
    const store = await openStore(':memory:')
    try {
      expect(() =>
        store.sqlite
          .prepare(
            `insert into licenses (id, product_id, key, type, status, created_at, updated_at) values ('l1', 'missing', 'K', 'trial', 'active', 'now', 'now')`,
          )
          .run(),
      ).toThrow(/FOREIGN KEY/)
    } finally {
      await store.close()
    }
  })

  it('bring a database made by 0001 forward: the replay guard keyed by time, no challenges table', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const { default: BetterSqlite3 } = await import('better-sqlite3')
    const { Kysely, SqliteDialect } = await import('kysely')
    const { Migrator } = await import('kysely/migration')
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig-'))
    try {
      const file = join(dir, 'k.db')
      const old = new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) })
      const first = { '0001_initial': migrations['0001_initial'].sqlite }
      await new Migrator({
        db: old,
        provider: { getMigrations: async () => first },
      }).migrateToLatest()
      await sql`insert into replay_guard (kind, value, expires_at) values ('k', 'v', 'x')`.execute(
        old,
      )
      await old.destroy()

      const store = await openStore(file)
      try {
        const cols = store.sqlite.pragma('table_info(replay_guard)') as { name: string }[]
        expect(cols.map((c) => c.name)).toEqual(['until', 'digest'])
        const tables = store.sqlite
          .prepare("select name from sqlite_master where type = 'table'")
          .pluck()
          .all()
        expect(tables).not.toContain('challenges')
      } finally {
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
