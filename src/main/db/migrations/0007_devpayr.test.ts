import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { onPostgres } from '../../../../test/helpers/store'
import { upgradeFrom, type OldDb } from '../../../../test/helpers/migration-upgrade'
import type { DialectName } from '../types'

const NOW = '2026-01-01T00:00:00.000Z'

/** The rows a database of 0006 holds before 0007 runs. */
async function seed0006(old: OldDb) {
  await sql`INSERT INTO products (id, name, secret_key, secret_key_hash, created_at, updated_at)
    VALUES ('p1', 'P', 's', 'h', ${NOW}, ${NOW})`.execute(old)
  await sql`INSERT INTO licenses (id, product_id, key, type, status, created_at, updated_at)
    VALUES ('l1', 'p1', 'K-1', 'lifetime', 'active', ${NOW}, ${NOW})`.execute(old)
  await sql`INSERT INTO machines (id, license_id, hwid, first_seen_at, last_seen_at)
    VALUES ('m1', 'l1', 'example.com', ${NOW}, ${NOW})`.execute(old)
}

describe.each(['sqlite', 'postgres'] as DialectName[])('0007_devpayr on %s', (dialect) => {
  it.skipIf(dialect === 'postgres' && !onPostgres)(
    'adds payment state, environments, domains and injectables, keeping existing rows',
    async () => {
      await upgradeFrom(dialect, '0006_shared_state', seed0006, async (store) => {
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
      })
    },
  )
})
