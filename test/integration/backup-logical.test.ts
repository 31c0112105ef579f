import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/db/connection'
import { copyTables, replaceTables, tablesInCopyOrder } from '../../src/main/db/logical'
import { contents, fillInstallation } from '../helpers/installation-data'
import { ManualClock, startClocked } from '../helpers/webhooks'

/**
 * The logical copy behind backups on PostgreSQL, run here between SQLite stores (the code is
 * the same for both dialects; the PostgreSQL run is backup-logical-pg.test.ts).
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
