import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { backupDatabase, restoreDatabase } from '../../src/main/db/backup'
import { openStore } from '../../src/main/db/connection'
import { copyTables, replaceTables, tablesInCopyOrder } from '../../src/main/db/logical'
import { contents, fillInstallation } from '../helpers/installation-data'
import { ManualClock, startClocked } from '../helpers/webhooks'
import { openTestStore } from '../helpers/store'

/**
 * The logical copy behind backups on PostgreSQL: the installation is on the run's dialect (the
 * switch), the copy a SQLite file, as a backup always is.
 */
describe('logical backup and restore (every table through the query builder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-logical-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('copies an installation into a fresh file and replaces another one with it, search included', async () => {
    const k = await startClocked(new ManualClock())
    try {
      await fillInstallation(k)
      const source = k.runtime.store.db
      const copyFile = join(dir, 'copy.db')
      const copy = await openStore(copyFile)
      const order = tablesInCopyOrder(copyFile)
      expect(order.indexOf('products')).toBeLessThan(order.indexOf('licenses'))
      expect(order.indexOf('webhooks')).toBeLessThan(order.indexOf('webhook_deliveries'))
      expect(order).not.toContain('licenses_fts')
      await copy.tx((trx) => copyTables(source, trx, order))
      const want = await contents(source, order)
      expect(want.licenses).toHaveLength(6)
      expect(await contents(copy.db, order)).toEqual(want)
      // The search index was rebuilt by the licenses triggers as the rows arrived.
      const hits = await sql<{ n: number }>`
        SELECT count(*) AS n FROM licenses_fts WHERE licenses_fts MATCH '"Beta-1"'`.execute(copy.db)
      expect(Number(hits.rows[0].n)).toBe(1)

      // Another installation with data of its own is replaced by the copy, in one transaction.
      const other = await startClocked(new ManualClock())
      try {
        await fillInstallation(other)
        await replaceTables(other.runtime.store.db, copy.db, order)
        expect(await contents(other.runtime.store.db, order)).toEqual(want)
      } finally {
        await other.runtime.close()
        rmSync(other.dataDir, { recursive: true, force: true })
      }
      await copy.close()
    } finally {
      await k.runtime.close()
      rmSync(k.dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('"Back up now" and restore, round trip on the run\'s dialect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-roundtrip-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a backup restores into another database, whose backup holds the same rows again', async () => {
    const k = await startClocked(new ManualClock())
    try {
      await fillInstallation(k)
      const first = join(dir, 'first.db')
      await backupDatabase(k.runtime.store.db, first)
      const order = tablesInCopyOrder(first)
      const want = await contents(k.runtime.store.db, order)
      expect(want.licenses).toHaveLength(6)

      // SQLite: a file store, restored page by page; PostgreSQL: a fresh database, every table
      // replaced in one transaction.
      const target = await openTestStore(join(dir, 'target.db'))
      try {
        await restoreDatabase(target.db, first, join(dir, '.restore-scratch.db'))
        expect(await contents(target.db, order)).toEqual(want)
        // The id sequences moved past the restored ids (PostgreSQL): a new event inserts.
        const before = Math.max(...want.events.map((e) => JSON.parse(e).id as number))
        const id = await target.db
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
        await target.db.deleteFrom('events').where('id', '=', id.id).execute()

        const second = join(dir, 'second.db')
        await backupDatabase(target.db, second)
        const back = await openStore(second)
        try {
          expect(await contents(back.db, order)).toEqual(want)
        } finally {
          await back.close()
        }
      } finally {
        await target.close()
      }
    } finally {
      await k.runtime.close()
      rmSync(k.dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})
