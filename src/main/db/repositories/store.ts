import { sql, type ExpressionBuilder } from 'kysely'
import type { Db, Executor } from '../connection'
import { dialectSql } from '../dialects'
import type { Database } from '../schema'
import { activationRows, revenueRows, type CountRow, type FiguresRange } from './figures'

/**
 * Whose store data a query reads: one owner's (an account, or `null` for the installation's
 * own products made in the desktop console), or everyone's (the console, admins).
 */
/** `used`: 1 when the license has ever been bound to a machine (SellRealm's Used/Unused). */
export function usedFlag(eb: ExpressionBuilder<Database, 'licenses'>) {
  // CASE, not a bare EXISTS: PostgreSQL would answer a boolean, and flags are 0/1 everywhere.
  return eb
    .case()
    .when(
      eb.exists(
        eb
          .selectFrom('machines')
          .whereRef('machines.license_id', '=', 'licenses.id')
          .select('machines.id'),
      ),
    )
    .then(1)
    .else(0)
    .end()
    .as('used')
}

export type OwnerScope = { all: true } | { ownerId: string | null }

/** A `where owner_id ...` condition for a table aliased `alias`, or none for `all`. */
export function ownerCondition(scope: OwnerScope, column: string) {
  if ('all' in scope) return sql<boolean>`1 = 1`
  return scope.ownerId === null
    ? sql<boolean>`${sql.ref(column)} is null`
    : sql<boolean>`${sql.ref(column)} = ${scope.ownerId}`
}

export interface SecretPair {
  auth_secret: string
  auth_secret_hash: string
  store_secret: string
  store_secret_hash: string
}

export async function getAccountSecrets(
  db: Db,
  accountId: string,
): Promise<SecretPair | undefined> {
  return db
    .selectFrom('accounts')
    .select(['auth_secret', 'auth_secret_hash', 'store_secret', 'store_secret_hash'])
    .where('id', '=', accountId)
    .executeTakeFirst()
}

export async function setAccountSecrets(
  db: Db,
  accountId: string,
  s: SecretPair,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('accounts')
    .set({ ...s, updated_at: now })
    .where('id', '=', accountId)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/** The installation's own pair (for products without an owner account), kept in settings. */
const INSTALLATION_KEY = 'sellrealm.installation_secrets'

export async function getInstallationSecrets(db: Db): Promise<SecretPair | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', INSTALLATION_KEY)
    .executeTakeFirst()
  return row ? (JSON.parse(row.value) as SecretPair) : undefined
}

export async function setInstallationSecrets(db: Db, s: SecretPair, now: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key: INSTALLATION_KEY, value: JSON.stringify(s), updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(s), updated_at: now }))
    .execute()
}

/** Only inserts when absent, so two first readers cannot make two different pairs. */
export async function initInstallationSecrets(db: Db, s: SecretPair, now: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key: INSTALLATION_KEY, value: JSON.stringify(s), updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
}

/** Products of one scope, oldest first (SellRealm lists them by id). */
export async function listStoreProducts(db: Db, scope: OwnerScope) {
  return db
    .selectFrom('products')
    .selectAll()
    .where(ownerCondition(scope, 'products.owner_id'))
    .orderBy('num')
    .execute()
}

export interface StoreKeyRow {
  num: number
  key: string
  status: 'active' | 'suspended' | 'banned' | 'expired'
  expires_at: string | null
  created_at: string
  used: number
}

/** License keys of a scope's products, newest last (SellRealm lists them by id). */
export async function listKeys(
  db: Db,
  scope: OwnerScope,
  f: { productId?: string; limit: number; offset: number },
): Promise<StoreKeyRow[]> {
  let q = db
    .selectFrom('licenses')
    .innerJoin('products', 'products.id', 'licenses.product_id')
    .where(ownerCondition(scope, 'products.owner_id'))
    .select([
      'licenses.num',
      'licenses.key',
      'licenses.status',
      'licenses.expires_at',
      'licenses.created_at',
    ])
    .select(usedFlag)
  if (f.productId) q = q.where('licenses.product_id', '=', f.productId)
  return q.orderBy('licenses.num').limit(f.limit).offset(f.offset).execute()
}

/**
 * The raw figures analytics are built from, grouped by day and product: orders created, and
 * the revenue and activations the dashboard reads too (figures.ts, one query for both).
 */
export async function analyticsRows(db: Db, scope: OwnerScope, r: FiguresRange) {
  let q = db
    .selectFrom('orders')
    .where(ownerCondition(scope, 'orders.owner_id'))
    .where('orders.created_at', '>=', r.from)
    .where('orders.created_at', '<', r.to)
  if (r.productId) q = q.where('orders.product_id', '=', r.productId)
  const created = await q
    .select([dialectSql(db).utcDay(sql.ref('orders.created_at')).as('day'), 'orders.product_id'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy(['day', 'orders.product_id'])
    .execute()
  const [money, activations] = await Promise.all([
    revenueRows(db, scope, r),
    activationRows(db, scope, r),
  ])
  return {
    created: created.map((x) => ({ ...x, n: Number(x.n) })) as CountRow[],
    ...money,
    activations,
  }
}

/** Names and numbers of products, for labelling analytics. */
export async function productLabels(
  db: Db,
  ids: string[],
): Promise<Map<string, { num: number; name: string }>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('products')
    .select(['id', 'num', 'name'])
    .where('id', 'in', ids)
    .execute()
  return new Map(rows.map((r) => [r.id, { num: r.num, name: r.name }]))
}

/** The HWID of a license's first bound machine (SellRealm get_hwid), or null. */
export async function firstHwid(ex: Executor, licenseId: string): Promise<string | null> {
  const r = await ex
    .selectFrom('machines')
    .select('hwid')
    .where('license_id', '=', licenseId)
    .orderBy('first_seen_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  return r?.hwid ?? null
}
