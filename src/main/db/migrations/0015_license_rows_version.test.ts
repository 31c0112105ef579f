import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { backupDatabase, restoreDatabase } from '../backup'
import { openSqlite } from '../sqlite/open'
import { upgradeFrom } from '../../../../test/helpers/migration-upgrade'
import { findLicenseForCheck, licenseRowsVersion } from '../repositories/machines'

describe('0015_license_rows_version', () => {
  it('brings a database made by 0014 forward; the version moves on every update or delete of a license or product, and only then', async () => {
    const at = '2026-12-03T00:00:00.000Z'
    await upgradeFrom(
      'sqlite',
      '0014_customer_notes_app_version',
      async (old) => {
        await sql`insert into products (id, num, name, secret_key, secret_key_hash, created_at, updated_at)
                  values ('p1', 1, 'Game', 's', 'h1', ${at}, ${at})`.execute(old)
        await sql`insert into licenses (id, product_id, key, type, status, created_at, updated_at)
                  values ('l1', 'p1', 'KEY-1', 'lifetime', 'active', ${at}, ${at})`.execute(old)
      },
      async (store) => {
        const db = store.db
        const run = (q: ReturnType<typeof sql>) => q.execute(db)
        expect(await licenseRowsVersion(db)).toBe(0)
        const moves: [string, ReturnType<typeof sql>, number][] = [
          [
            'a license inserted',
            sql`insert into licenses (id, product_id, key, type, status, created_at, updated_at) values ('l2', 'p1', 'KEY-2', 'lifetime', 'active', ${at}, ${at})`,
            0,
          ],
          [
            'a machine bound',
            sql`insert into machines (id, license_id, hwid, first_seen_at, last_seen_at) values ('m1', 'l1', 'H', ${at}, ${at})`,
            0,
          ],
          ['a machine seen', sql`update machines set last_seen_at = ${at} where id = 'm1'`, 0],
          ['a license updated', sql`update licenses set status = 'suspended' where id = 'l1'`, 1],
          ['an update of two licenses (once per row)', sql`update licenses set level = 2`, 2],
          ['a license deleted', sql`delete from licenses where id = 'l2'`, 1],
          ['a product updated', sql`update products set is_active = 0 where id = 'p1'`, 1],
        ]
        let expected = 0
        for (const [what, q, by] of moves) {
          await run(q)
          expected += by
          expect(await licenseRowsVersion(db), what).toBe(expected)
        }
        await run(
          sql`insert into products (id, num, name, secret_key, secret_key_hash, created_at, updated_at) values ('p2', 2, 'Other', 's', 'h2', ${at}, ${at})`,
        )
        await run(sql`delete from products where id = 'p2'`)
        expect(await licenseRowsVersion(db), 'a product deleted').toBe(expected + 1)
        // The engine's read of a license carries the version as of its own snapshot.
        const read = await findLicenseForCheck(db, 'KEY-1')
        expect(read?.rows_version).toBe(expected + 1)
      },
    )
  })

  it('only grows: a restore of an older file moves it past the version before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-0015-'))
    const store = await openSqlite(join(dir, 'live.db'))
    try {
      const at = '2026-12-03T00:00:00.000Z'
      await sql`insert into products (id, num, name, secret_key, secret_key_hash, created_at, updated_at)
                values ('p1', 1, 'Game', 's', 'h1', ${at}, ${at})`.execute(store.db)
      await sql`update products set name = 'Game 2'`.execute(store.db)
      await backupDatabase(store.db, join(dir, 'backup.db')) // at version 1
      for (let i = 0; i < 3; i++) await sql`update products set name = ${`v${i}`}`.execute(store.db)
      expect(await licenseRowsVersion(store.db)).toBe(4)
      await restoreDatabase(store.db, join(dir, 'backup.db'), join(dir, 'scratch.db'))
      const name = await sql<{ name: string }>`select name from products`.execute(store.db)
      expect(name.rows[0].name).toBe('Game 2') // the backup's rows
      expect(await licenseRowsVersion(store.db)).toBe(5) // not the backup's 1
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
