import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import { Migrator } from 'kysely/migration'
import pg from 'pg'
import { expect } from 'vitest'
import { openStore, type Store } from '../../src/main/db/connection'
import { migrations } from '../../src/main/db/migrations'
import type { DialectName } from '../../src/main/db/types'
import { freshPostgresDatabase } from './store'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schemas of past migrations
export type OldDb = Kysely<any>

/**
 * A migration's upgrade test: a database of `dialect` brought by hand to `upTo` (every migration
 * whose name sorts at or before it), given rows by `seed` through a bare Kysely, then opened as
 * the application opens it (openStore runs the migrations after `upTo`) and handed to `check`.
 * The database is dropped afterwards, whatever happens.
 */
export async function upgradeFrom(
  dialect: DialectName,
  upTo: string,
  seed: (old: OldDb) => Promise<unknown>,
  check: (store: Store) => Promise<void>,
): Promise<void> {
  let target: string
  let drop: () => Promise<void>
  let old: OldDb
  let destroyed = false
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kw-migration-'))
    target = join(dir, 'k.db')
    old = new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(target) }) })
    drop = async () => rmSync(dir, { recursive: true, force: true })
  } else {
    const fresh = await freshPostgresDatabase({ empty: true })
    target = fresh.url
    drop = fresh.drop
    old = new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target, max: 1 }) }),
    })
  }
  try {
    const before = Object.fromEntries(
      Object.entries(migrations)
        .filter(([name]) => name <= upTo)
        .map(([name, m]) => [name, m[dialect]]),
    )
    expect(Object.keys(before)).toContain(upTo)
    const { error } = await new Migrator({
      db: old,
      provider: { getMigrations: async () => before },
    }).migrateToLatest()
    expect(error).toBeUndefined()
    await seed(old)
    await old.destroy()
    destroyed = true
    const store = await openStore(target)
    try {
      await check(store)
    } finally {
      await store.close()
    }
  } finally {
    if (!destroyed) await old.destroy()
    await drop()
  }
}
