import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import pg from 'pg'
import { handleOf } from '../sqlite/handles'
import { afterEach, describe, expect, it } from 'vitest'
import { freshPostgresDatabase, onPostgres } from '../../../../test/helpers/store'
import { isSealed, seal, sealedAad } from '../../crypto/seal'
import { openStore, type Store } from '../connection'
import { listLicenses } from '../repositories/licenses'
import { listLicensesSchema } from '@shared/schemas'
import type { DialectName } from '../types'
import { migrations } from './index'

const names = Object.keys(migrations)

/**
 * An empty database of `dialect` that tests bring to some migration by hand (`old`, a bare
 * Kysely) and then open as the application does (`open()`: every pending migration).
 */
async function emptyDatabase(dialect: DialectName) {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig-'))
    const target = join(dir, 'k.db')
    return {
      target,
      dir,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- schemas of past migrations
      old: new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(target) }) }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  const { url, drop } = await freshPostgresDatabase({ empty: true })
  return {
    target: url,
    dir: null,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- schemas of past migrations
    old: new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    }),
    drop,
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- schemas of past migrations
async function migrateThrough(db: Kysely<any>, dialect: DialectName, last: string): Promise<void> {
  const upTo = Object.fromEntries(
    names.slice(0, names.indexOf(last) + 1).map((n) => [n, migrations[n][dialect]]),
  )
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: async () => upTo },
  }).migrateToLatest()
  if (error) throw error
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function tablesOf(db: Kysely<any>, dialect: DialectName): Promise<string[]> {
  const q =
    dialect === 'sqlite'
      ? sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
      : sql<{
          name: string
        }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`
  return (await q.execute(db)).rows.map((r) => r.name).sort()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function columnsOf(db: Kysely<any>, dialect: DialectName, table: string) {
  const q =
    dialect === 'sqlite'
      ? sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`
      : sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = ${table} ORDER BY ordinal_position`
  return (await q.execute(db)).rows.map((r) => r.name)
}

const NOW = '2026-01-01T00:00:00.000Z'
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function insertProduct(db: Kysely<any>, id: string, secret: string): Promise<void> {
  await sql`INSERT INTO products (id, name, secret_key, secret_key_hash, created_at, updated_at)
    VALUES (${id}, 'P', ${secret}, ${'h-' + id}, ${NOW}, ${NOW})`.execute(db)
}

const dialects: DialectName[] = ['sqlite', 'postgres']

describe.each(dialects)('migrations on %s', (dialect) => {
  // Without a PostgreSQL server (KEYWARDEN_TEST_DATABASE_URL) its half cannot run.
  const test = it.skipIf(dialect === 'postgres' && !onPostgres)
  let cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c()
    cleanup = []
  })
  async function fresh() {
    const e = await emptyDatabase(dialect)
    let oldOpen = true
    const closeOld = async () => {
      if (oldOpen) await e.old.destroy()
      oldOpen = false
    }
    cleanup.push(async () => {
      await closeOld()
      await e.drop()
    })
    return { ...e, closeOld }
  }
  async function open(target: string): Promise<Store> {
    const store = await openStore(target)
    cleanup.push(() => store.close())
    return store
  }

  test('bring an empty database to the latest schema, every table of the domain model', async () => {
    const e = await fresh()
    await e.closeOld()
    const store = await open(e.target)
    const tables = await tablesOf(store.db, dialect)
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
      'replay_guard',
      'idempotency_keys',
      'settings',
      'notifications',
    ]) {
      expect(tables).toContain(t)
    }
    const applied = await sql<{
      name: string
    }>`select name from kysely_migration order by name`.execute(store.db)
    expect(applied.rows.map((r) => r.name)).toEqual(names)
  })

  test('are idempotent: opening a migrated database again changes nothing', async () => {
    const e = await fresh()
    await e.closeOld()
    await (await openStore(e.target)).close()
    const b = await open(e.target)
    const n = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(b.db)
    expect(Number(n.rows[0].n)).toBe(names.length)
  })

  test('0001 enforces the schema: a license needs an existing product', async () => {
    const e = await fresh()
    await migrateThrough(e.old, dialect, '0001_initial')
    await expect(
      sql`insert into licenses (id, product_id, key, type, status, created_at, updated_at)
        values ('l1', 'missing', 'K', 'trial', 'active', ${NOW}, ${NOW})`.execute(e.old),
    ).rejects.toThrow(/FOREIGN KEY|foreign key/)
    // `num` is given by the database (rowid on SQLite, an identity column on PostgreSQL).
    await insertProduct(e.old, 'p1', 'clear')
    await insertProduct(e.old, 'p2', 'clear')
    const nums = await sql<{ num: number }>`select num from products order by num`.execute(e.old)
    expect(nums.rows.map((r) => Number(r.num))).toEqual([1, 2])
  })

  test('0002 brings a database made by 0001 forward: the replay guard keyed by time, no challenges', async () => {
    const e = await fresh()
    await migrateThrough(e.old, dialect, '0001_initial')
    await sql`insert into replay_guard (kind, value, expires_at) values ('k', 'v', 'x')`.execute(
      e.old,
    )
    await migrateThrough(e.old, dialect, '0002_time_ordered_replay_guard')
    expect(await columnsOf(e.old, dialect, 'replay_guard')).toEqual(['until', 'digest'])
    expect(await tablesOf(e.old, dialect)).not.toContain('challenges')
    // (until, digest) is the key: the same digest remembered twice for one moment is refused.
    const until = Date.now()
    const digest = randomBytes(16)
    const remember = () =>
      sql`insert into replay_guard (until, digest) values (${until}, ${digest})`.execute(e.old)
    await remember()
    await expect(remember()).rejects.toThrow(/UNIQUE|duplicate key/)
  })

  test('0003 brings a database made by 0002 forward: licenses written before it stay searchable', async () => {
    const e = await fresh()
    await migrateThrough(e.old, dialect, '0002_time_ordered_replay_guard')
    await insertProduct(e.old, 'p1', seal(randomBytes(32), 's', sealedAad.productSecret('p1')))
    await sql`insert into licenses (id, product_id, key, type, status, metadata, notes, created_at, updated_at)
      values ('l1', 'p1', 'ABCD-EFGH-IJKL-MNOP', 'lifetime', 'active', '{"seat":"Orchid Room"}',
        'Renewed by phone', ${NOW}, ${NOW})`.execute(e.old)
    await e.closeOld()
    const store = await open(e.target)
    if (dialect === 'sqlite') {
      const triggers = await sql<{
        name: string
      }>`select name from sqlite_master where type = 'trigger'`.execute(store.db)
      expect(triggers.rows.map((r) => r.name)).not.toContain('licenses_fts_ai')
    }
    const search = async (q: string) =>
      (await listLicenses(store.db, listLicensesSchema.parse({ q }), NOW)).rows.map((r) => r.id)
    // Metadata and notes substrings in any case, a key prefix; and nothing for a miss.
    expect(await search('orchid')).toEqual(['l1'])
    expect(await search('BY PHONE')).toEqual(['l1'])
    expect(await search('abcd-ef')).toEqual(['l1'])
    expect(await search('zzz')).toEqual([])
  })

  test('0004 brings a database made by 0003 forward: secrets in clear are sealed, or refused where no master.key can be', async () => {
    const e = await fresh()
    await migrateThrough(e.old, dialect, '0003_license_search_rows_written_by_inserts')
    if (dialect === 'sqlite') {
      await insertProduct(e.old, 'p1', 'clear-secret')
      await migrateThrough(e.old, dialect, '0004_secrets_sealed_at_rest')
      const row = await sql<{
        secret_key: string
      }>`select secret_key from products where id = 'p1'`.execute(e.old)
      expect(isSealed(row.rows[0].secret_key)).toBe(true)
      expect(existsSync(join(e.dir!, 'master.key'))).toBe(true)
      return
    }
    // PostgreSQL: no data folder to take master.key from, so a clear secret stops the
    // migration with its reason; a sealed one passes untouched.
    const sealedValue = seal(randomBytes(32), 's', sealedAad.productSecret('p1'))
    await insertProduct(e.old, 'p1', sealedValue)
    await insertProduct(e.old, 'p2', 'clear-secret')
    await expect(migrateThrough(e.old, dialect, '0004_secrets_sealed_at_rest')).rejects.toThrow(
      /secret in clear/,
    )
    await sql`delete from products where id = 'p2'`.execute(e.old)
    await migrateThrough(e.old, dialect, '0004_secrets_sealed_at_rest')
    const row = await sql<{
      secret_key: string
    }>`select secret_key from products where id = 'p1'`.execute(e.old)
    expect(row.rows[0].secret_key).toBe(sealedValue)
  })
})

describe('migrations on sqlite only', () => {
  it('keep the database in WAL mode with foreign keys on (SQLite pragmas)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig-'))
    try {
      const a = await openStore(join(dir, 'k.db'))
      expect(handleOf(a.db).pragma('journal_mode', { simple: true })).toBe('wal')
      expect(handleOf(a.db).pragma('foreign_keys', { simple: true })).toBe(1)
      await a.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe.skipIf(!onPostgres)('migrations on postgres only', () => {
  it('use pg_trgm GIN indexes for the license search instead of an FTS5 table', async () => {
    const { url, drop } = await freshPostgresDatabase({ empty: true })
    const store = await openStore(url)
    try {
      const ext = await sql<{
        extname: string
      }>`select extname from pg_extension where extname = 'pg_trgm'`.execute(store.db)
      expect(ext.rows).toHaveLength(1)
      const idx = await sql<{ indexname: string; indexdef: string }>`
        select indexname, indexdef from pg_indexes where indexdef like '%gin_trgm_ops%'`.execute(
        store.db,
      )
      expect(idx.rows.map((r) => r.indexname).sort()).toEqual([
        'customers_email_trgm',
        'licenses_key_trgm',
        'licenses_metadata_trgm',
        'licenses_notes_trgm',
      ])
    } finally {
      await store.close()
      await drop()
    }
  })
})
