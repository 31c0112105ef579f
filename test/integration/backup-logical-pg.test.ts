import { rmSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { backupDatabase, restoreDatabase } from '../../src/main/db/backup'
import { openStore } from '../../src/main/db/connection'
import { tablesInCopyOrder } from '../../src/main/db/logical'
import { migrations } from '../../src/main/db/migrations'
import { contents, fillInstallation } from '../helpers/installation-data'
import { ManualClock, startClocked } from '../helpers/webhooks'

/**
 * "Back up now" and restore on PostgreSQL, round trip: a SQLite installation's backup is
 * restored into PostgreSQL, which is backed up into a SQLite file again; all three hold the
 * same rows. Runs when KEYWARDEN_OUTBOX_PG_URL names an existing, empty database. Until the
 * PostgreSQL bodies of migrations 0001–0004 land, the tables are made from the SQLite schema
 * (integer → bigint, integer primary keys → bigserial) and 0001–0004 marked applied.
 */
const url = process.env.KEYWARDEN_OUTBOX_PG_URL

async function tablesLike(sqliteFile: string, tables: string[], target: string): Promise<void> {
  const file = new BetterSqlite3(sqliteFile, { readonly: true })
  const ddl = tables.map((t) =>
    (file.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(t) as { sql: string }).sql
      .replace(/\s+WITHOUT ROWID/i, '')
      .replace(/"?(\w+)"? integer primary key( autoincrement)?/gi, '"$1" bigserial primary key')
      .replace(/\binteger\b/gi, 'bigint')
      .replace(/\breal\b/gi, 'double precision')
      .replace(/\bblob\b/gi, 'bytea'),
  )
  file.close()
  const client = new pg.Client({ connectionString: target })
  await client.connect()
  try {
    for (const d of ddl) await client.query(d)
    await client.query(
      'CREATE TABLE kysely_migration (name varchar(255) PRIMARY KEY, timestamp varchar(255) NOT NULL)',
    )
    for (const name of Object.keys(migrations).filter((n) => n < '0005'))
      await client.query('INSERT INTO kysely_migration VALUES ($1, $2)', [
        name,
        new Date().toISOString(),
      ])
  } finally {
    await client.end()
  }
}

describe.skipIf(!url)('backup and restore on PostgreSQL', () => {
  it('a SQLite backup restores into PostgreSQL, whose backup is a SQLite file with the same rows', async () => {
    const k = await startClocked(new ManualClock())
    try {
      await fillInstallation(k)
      const live = join(k.dataDir, 'keywarden.db')
      const order = tablesInCopyOrder(live)
      const want = await contents(k.runtime.store.db, order)
      const fromSqlite = join(k.dataDir, 'backups-sqlite.db')
      await backupDatabase(k.runtime.store.db, fromSqlite)

      await tablesLike(live, order, url!)
      const pgStore = await openStore(url!)
      try {
        await restoreDatabase(pgStore.db, fromSqlite, join(k.dataDir, '.restore-scratch.db'))
        expect(await contents(pgStore.db, order)).toEqual(want)
        // The id sequences moved past the restored ids: new events insert.
        const before = Math.max(...want.events.map((e) => JSON.parse(e).id as number))
        const id = await pgStore.db
          .insertInto('events')
          .values({
            type: 'x',
            severity: 'info',
            product_id: null,
            license_id: null,
            machine_id: null,
            hwid: null,
            ip: null,
            user_agent: null,
            details: '{}',
            blocked: 0,
            created_at: new Date().toISOString(),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        expect(id.id).toBeGreaterThan(before)
        await pgStore.db.deleteFrom('events').where('id', '=', id.id).execute()

        const fromPg = join(k.dataDir, 'backups-pg.db')
        await backupDatabase(pgStore.db, fromPg)
        const back = await openStore(fromPg)
        try {
          expect(await contents(back.db, order)).toEqual(want)
        } finally {
          await back.close()
        }
      } finally {
        await pgStore.close()
      }
    } finally {
      await k.runtime.close()
      rmSync(k.dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})
