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

/** An empty database of `dialect`, a bare Kysely on it, and its cleanup. */
async function emptyDatabase(dialect: DialectName) {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig9-'))
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

describe.each(['sqlite', 'postgres'] as DialectName[])('0009_license_policies on %s', (dialect) => {
  it.skipIf(dialect === 'postgres' && !onPostgres)(
    'brings a database made by 0006 forward: licenses and machines keep their rows, nothing is overridden or watched, culling finds nothing',
    async () => {
      const e = await emptyDatabase(dialect)
      try {
        const before = Object.fromEntries(
          Object.entries(migrations)
            .filter(([name]) => name <= '0006_shared_state')
            .map(([name, m]) => [name, m[dialect]]),
        )
        const { error } = await new Migrator({
          db: e.old,
          provider: { getMigrations: async () => before },
        }).migrateToLatest()
        expect(error).toBeUndefined()
        await sql`INSERT INTO products (id, name, secret_key, secret_key_hash, created_at, updated_at)
          VALUES ('p1', 'P', 's', 'h', ${NOW}, ${NOW})`.execute(e.old)
        await sql`INSERT INTO licenses (id, product_id, key, type, status, level, max_uses, hwid_locked, created_at, updated_at)
          VALUES ('l1', 'p1', 'AAAA-BBBB', 'lifetime', 'active', 1, 2, 1, ${NOW}, ${NOW})`.execute(
          e.old,
        )
        await sql`INSERT INTO machines (id, license_id, hwid, first_seen_at, last_seen_at)
          VALUES ('m1', 'l1', 'hw-1', ${NOW}, ${NOW})`.execute(e.old)
        await e.old.destroy()

        const store = await openStore(e.target)
        try {
          const lic = await store.db
            .selectFrom('licenses')
            .select(['key', 'policy'])
            .executeTakeFirstOrThrow()
          expect(lic).toEqual({ key: 'AAAA-BBBB', policy: null })
          const m = await store.db
            .selectFrom('machines')
            .select(['hwid', 'seat', 'seat_dead_at', 'seat_bury_at'])
            .executeTakeFirstOrThrow()
          expect(m).toEqual({ hwid: 'hw-1', seat: null, seat_dead_at: null, seat_bury_at: null })
          // The new columns work as the seat repository uses them (partial indexes included).
          await store.db
            .updateTable('machines')
            .set({ seat: 'held', seat_dead_at: NOW, seat_bury_at: NOW })
            .execute()
          const due = await store.db
            .selectFrom('machines')
            .select('id')
            .where('seat', '=', 'held')
            .where('seat_dead_at', '<=', '2026-01-02T00:00:00.000Z')
            .execute()
          expect(due).toEqual([{ id: 'm1' }])
        } finally {
          await store.close()
        }
      } finally {
        await e.drop()
      }
    },
  )
})
