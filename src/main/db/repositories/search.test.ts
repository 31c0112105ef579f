import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listLicensesSchema } from '@shared/schemas'
import { dbOf } from '../../../../test/helpers/db'
import { onPostgres, openTestStore } from '../../../../test/helpers/store'
import type { Store } from '../connection'
import { listBlacklist } from './blacklist'
import { listCustomers } from './customers'
import { listLicenses } from './licenses'
import { listProducts } from './products'

const NOW = '2026-01-01T00:00:00.000Z'

// The console's search boxes answer the same on SQLite and (under the switch) PostgreSQL:
// FTS5/GLOB/LIKE there, pg_trgm-indexed LIKE/ILIKE here (db/dialects, search section).
describe(`search boxes on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  let store: Store
  beforeEach(async () => {
    store = await openTestStore()
    const db = dbOf(store)
    await db.run`INSERT INTO products (id, name, secret_key, secret_key_hash, created_at, updated_at)
      VALUES ('p1', 'Desktop Pro', 's', 'h1', ${NOW}, ${NOW}), ('p2', 'Server', 's', 'h2', ${NOW}, ${NOW})`
    await db.run`INSERT INTO customers (id, email, name, created_at)
      VALUES ('c1', 'Ada.Lovelace@Example.com', 'Ada Lovelace', ${NOW}),
             ('c2', 'bob@other.org', 'Bob', ${NOW})`
    await db.run`INSERT INTO licenses (id, product_id, key, type, status, metadata, notes, customer_id, created_at, updated_at)
      VALUES ('l1', 'p1', 'ABCD-EFGH-IJKL-MNOP', 'lifetime', 'active', '{"seat":"Orchid Room"}', '', 'c1', ${NOW}, ${NOW}),
             ('l2', 'p1', 'QRST-UVWX-YZ12-3456', 'lifetime', 'active', '{}', 'Renewed 100% by phone', 'c2', ${NOW}, ${NOW}),
             ('l3', 'p2', 'ZZZZ-ABCD-0000-1111', 'trial', 'active', '{}', '', null, ${NOW}, ${NOW})`
    // SQLite's search index is fed by the insert path (not used here) and by the update trigger.
    if (store.dialect === 'sqlite') {
      await db.run`INSERT INTO licenses_fts (rowid, metadata, notes)
        SELECT num, metadata, notes FROM licenses WHERE metadata <> '{}' OR notes <> ''`
    }
    await db.run`INSERT INTO blacklist (id, type, value, severity, created_at)
      VALUES ('b1', 'hwid', 'HWID-DeadBeef', 'high', ${NOW}), ('b2', 'ip', '10.0.0.1', 'low', ${NOW})`
  })
  afterEach(() => store.close())

  const licenses = async (q: string) =>
    (await listLicenses(store.db, listLicensesSchema.parse({ q }), NOW)).rows
      .map((r) => r.id)
      .sort()

  it('licenses: key prefix in any case, customer email and metadata/notes substrings in any case', async () => {
    expect(await licenses('abcd-ef')).toEqual(['l1'])
    expect(await licenses('ABCD')).toEqual(['l1'])
    expect(await licenses('example.COM')).toEqual(['l1'])
    expect(await licenses('orchid')).toEqual(['l1'])
    expect(await licenses('BY PHONE')).toEqual(['l2'])
    // LIKE wildcards in the text are literal: '%' finds the note that has one, '_' nothing.
    expect(await licenses('100%')).toEqual(['l2'])
    expect(await licenses('_')).toEqual([])
    expect(await licenses('nowhere')).toEqual([])
  })

  it('customers, products and the blacklist match without regard to case', async () => {
    const customers = await listCustomers(store.db, { all: true }, 'LOVELACE', 1, 50)
    expect(customers.rows.map((r) => r.id)).toEqual(['c1'])
    expect((await listCustomers(store.db, { all: true }, 'BOB@', 1, 50)).total).toBe(1)
    expect((await listProducts(store.db, { q: 'desk' })).map((p) => p.id)).toEqual(['p1'])
    const banned = await listBlacklist(store.db, { q: 'deadbeef' }, NOW, 1, 50)
    expect(banned.rows.map((r) => r.id)).toEqual(['b1'])
  })
})
