import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../connection'
import { openSqlite } from '../sqlite/open'
import type { Db } from '../types'
import { findLicenseForCheck, findLicenseForCheckById } from './machines'

const at = '2026-12-04T00:00:00.000Z'

async function seed(db: Db, status = 'active'): Promise<void> {
  await sql`insert into products (id, num, name, secret_key, secret_key_hash, created_at, updated_at)
            values ('p1', 1, 'Game', 's', 'h1', ${at}, ${at})`.execute(db)
  await sql`insert into licenses (id, product_id, key, type, status, created_at, updated_at)
            values ('l1', 'p1', 'KEY-1', 'lifetime', ${status}, ${at}, ${at})`.execute(db)
}

/** The license check's kept reads (repositories/machines.ts): never an answer a read now would not give. */
describe('findLicenseForCheck on SQLite, kept reads', () => {
  let dir: string
  let store: Store
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-license-reads-'))
    store = await openSqlite(join(dir, 'keywarden.db'))
    await seed(store.db)
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a hot license is answered without reading its row again, until a license or product changes', async () => {
    expect((await findLicenseForCheck(store.db, 'KEY-1'))?.status).toBe('active')
    // A change the version does not see (its trigger gone): the kept read answers, which shows
    // that a hit reads no license row. Any license or product change then moves the version.
    await sql`drop trigger licenses_update_moves_license_rows_version`.execute(store.db)
    await sql`update licenses set status = 'suspended' where id = 'l1'`.execute(store.db)
    expect((await findLicenseForCheck(store.db, 'KEY-1'))?.status).toBe('active')
    await sql`update products set name = 'Game 2' where id = 'p1'`.execute(store.db)
    expect((await findLicenseForCheck(store.db, 'KEY-1'))?.status).toBe('suspended')
  })

  it.each([
    [
      'the license suspended',
      sql`update licenses set status = 'suspended' where id = 'l1'`,
      'status',
      'suspended',
    ],
    ['the license deleted', sql`delete from licenses where id = 'l1'`, 'gone', undefined],
    [
      'the product deactivated',
      sql`update products set is_active = 0 where id = 'p1'`,
      'product_active',
      0,
    ],
    [
      'the product policy changed',
      sql`update products set policy = '{"x":1}' where id = 'p1'`,
      'product_policy',
      '{"x":1}',
    ],
  ] as const)(
    '%s on another connection (another worker) is seen at the next read',
    async (_, change, field, want) => {
      await findLicenseForCheck(store.db, 'KEY-1')
      const other = await openSqlite(join(dir, 'keywarden.db'))
      try {
        await change.execute(other.db)
      } finally {
        await other.close()
      }
      const row = await findLicenseForCheck(store.db, 'KEY-1')
      if (field === 'gone') expect(row).toBeUndefined()
      else expect(row?.[field]).toBe(want)
    },
  )

  it('a change rolled back is never kept, even when a later commit brings the version back to its number', async () => {
    await findLicenseForCheck(store.db, 'KEY-1')
    let inside: string | undefined
    const undo = new Error('undo')
    const outcome = await store.db
      .transaction()
      .execute(async (trx) => {
        await sql`update licenses set status = 'banned' where id = 'l1'`.execute(trx)
        inside = (await findLicenseForCheck(trx, 'KEY-1'))?.status
        throw undo
      })
      .catch((e: unknown) => e)
    expect(outcome).toBe(undo)
    expect(inside).toBe('banned') // its own write, before the rollback
    // The next commit gives the version the number the rolled-back update had, with other rows.
    await sql`update licenses set status = 'suspended' where id = 'l1'`.execute(store.db)
    expect((await findLicenseForCheck(store.db, 'KEY-1'))?.status).toBe('suspended')
    await sql`update licenses set status = 'active' where id = 'l1'`.execute(store.db)
    expect((await findLicenseForCheck(store.db, 'KEY-1'))?.status).toBe('active')
  })

  it('an answer is a copy: changing it changes nothing the next caller reads', async () => {
    const first = await findLicenseForCheck(store.db, 'KEY-1')
    first!.status = 'banned'
    const again = await findLicenseForCheck(store.db, 'KEY-1')
    expect(again?.status).toBe('active')
    again!.status = 'banned'
    expect((await findLicenseForCheck(store.db, 'KEY-1'))?.status).toBe('active')
  })

  it('two stores in one process keep their own reads of the same key', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'kw-license-reads-'))
    const second = await openSqlite(join(dir2, 'keywarden.db'))
    try {
      await seed(second.db, 'suspended')
      expect((await findLicenseForCheck(store.db, 'KEY-1'))?.status).toBe('active')
      expect((await findLicenseForCheck(second.db, 'KEY-1'))?.status).toBe('suspended')
      expect((await findLicenseForCheck(store.db, 'KEY-1'))?.status).toBe('active')
    } finally {
      await second.close()
      rmSync(dir2, { recursive: true, force: true })
    }
  })
  it("by id (a session's license): kept like by key, and a key changed or given to another license is followed", async () => {
    expect((await findLicenseForCheckById(store.db, 'l1'))?.key).toBe('KEY-1')
    expect(await findLicenseForCheckById(store.db, 'nope')).toBeUndefined()
    await sql`drop trigger licenses_update_moves_license_rows_version`.execute(store.db)
    await sql`update licenses set status = 'suspended' where id = 'l1'`.execute(store.db)
    expect((await findLicenseForCheckById(store.db, 'l1'))?.status).toBe('active') // kept
    await sql`update products set name = 'Game 2' where id = 'p1'`.execute(store.db)
    expect((await findLicenseForCheckById(store.db, 'l1'))?.status).toBe('suspended')
    // Without the trigger a key change would go unseen: put it back for the rest.
    await sql`CREATE TRIGGER licenses_update_moves_license_rows_version AFTER UPDATE ON licenses
              BEGIN UPDATE license_rows_version SET version = version + 1 WHERE id = 1; END`.execute(
      store.db,
    )
    await sql`update licenses set key = 'KEY-1B' where id = 'l1'`.execute(store.db)
    await sql`insert into licenses (id, product_id, key, type, status, created_at, updated_at)
              values ('l2', 'p1', 'KEY-1', 'lifetime', 'banned', ${at}, ${at})`.execute(store.db)
    expect((await findLicenseForCheckById(store.db, 'l1'))?.key).toBe('KEY-1B')
    expect((await findLicenseForCheckById(store.db, 'l2'))?.status).toBe('banned')
    expect((await findLicenseForCheck(store.db, 'KEY-1'))?.id).toBe('l2')
  })
})
