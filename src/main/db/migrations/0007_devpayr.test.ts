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

const NOW = '2026-01-01T00:00:00.000Z'

/** A database of `dialect` brought to 0006 by hand, then opened as the application does. */
async function upgradeFrom0006(dialect: DialectName) {
  let target: string
  let drop: () => Promise<void>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- schemas of past migrations
  let old: Kysely<any>
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig7-'))
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
  const before = Object.fromEntries(
    Object.entries(migrations)
      .filter(([name]) => name < '0007')
      .map(([name, m]) => [name, m[dialect]]),
  )
  const { error } = await new Migrator({
    db: old,
    provider: { getMigrations: async () => before },
  }).migrateToLatest()
  expect(error).toBeUndefined()
  await sql`INSERT INTO products (id, name, secret_key, secret_key_hash, created_at, updated_at)
    VALUES ('p1', 'P', 's', 'h', ${NOW}, ${NOW})`.execute(old)
  await sql`INSERT INTO licenses (id, product_id, key, type, status, created_at, updated_at)
    VALUES ('l1', 'p1', 'K-1', 'lifetime', 'active', ${NOW}, ${NOW})`.execute(old)
  await sql`INSERT INTO machines (id, license_id, hwid, first_seen_at, last_seen_at)
    VALUES ('m1', 'l1', 'example.com', ${NOW}, ${NOW})`.execute(old)
  await old.destroy()
  return { target, drop }
}

describe.each(['sqlite', 'postgres'] as DialectName[])('0007_devpayr on %s', (dialect) => {
  it.skipIf(dialect === 'postgres' && !onPostgres)(
    'adds payment state, environments, domains and injectables, keeping existing rows',
    async () => {
      const { target, drop } = await upgradeFrom0006(dialect)
      try {
        const store = await openStore(target)
        try {
          const db = store.db
          const p = await db.selectFrom('products').selectAll().executeTakeFirstOrThrow()
          expect(Number(p.has_paid)).toBe(0) // a project starts unpaid
          const l = await db.selectFrom('licenses').selectAll().executeTakeFirstOrThrow()
          expect([l.key, l.title, l.environment]).toEqual(['K-1', null, 'production'])
          const m = await db.selectFrom('machines').selectAll().executeTakeFirstOrThrow()
          expect([m.hwid, m.environment]).toEqual(['example.com', null])
          await db
            .insertInto('product_domains')
            .values({
              id: 'd1',
              product_id: 'p1',
              domain: '*.example.com',
              environment: 'production',
              is_active: 1,
              is_primary: 1,
              created_at: NOW,
              updated_at: NOW,
            })
            .execute()
          // One rule per domain and product.
          await expect(
            db
              .insertInto('product_domains')
              .values({
                id: 'd2',
                product_id: 'p1',
                domain: '*.example.com',
                environment: 'test',
                is_active: 1,
                is_primary: 0,
                created_at: NOW,
                updated_at: NOW,
              })
              .execute(),
          ).rejects.toThrow()
          await db
            .insertInto('product_injectables')
            .values({
              id: 'i1',
              product_id: 'p1',
              title: 'T',
              slug: 't',
              type: 'snippet',
              mode: 'append',
              target_path: null,
              content: 'c',
              signature: 's',
              content_hash: 'h',
              secret_sealed: 'v1.x',
              only_if_paid: 0,
              is_active: 1,
              created_at: NOW,
              updated_at: NOW,
            })
            .execute()
          // Deleting the product takes its domains and injectables with it.
          await db.deleteFrom('products').where('id', '=', 'p1').execute()
          expect(await db.selectFrom('product_domains').selectAll().execute()).toEqual([])
          expect(await db.selectFrom('product_injectables').selectAll().execute()).toEqual([])
        } finally {
          await store.close()
        }
      } finally {
        await drop()
      }
    },
  )
})
