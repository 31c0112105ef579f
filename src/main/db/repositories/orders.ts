import { sql } from 'kysely'
import type { Insertable, Selectable } from 'kysely'
import type { Db, Executor } from '../connection'
import type { OrdersTable } from '../schema'
import { ownerCondition, usedFlag, type OwnerScope } from './store'
import { dialectSql } from '../dialects'

export type OrderStatus = OrdersTable['status']

export type OrderRow = Selectable<OrdersTable> & {
  customer_email: string
  product_num: number
  product_name: string
}

export interface IssuedKeyRow {
  id: string
  num: number
  key: string
  product_id: string
  order_id: string | null
  status: 'active' | 'suspended' | 'banned' | 'expired'
  expires_at: string | null
  used: number
  created_at: string
  product_name: string
}

function orderQuery(db: Db) {
  return db
    .selectFrom('orders')
    .innerJoin('customers', 'customers.id', 'orders.customer_id')
    .innerJoin('products', 'products.id', 'orders.product_id')
    .selectAll('orders')
    .select([
      'customers.email as customer_email',
      'products.num as product_num',
      'products.name as product_name',
    ])
}

export async function insertOrder(db: Db, row: Insertable<OrdersTable>): Promise<void> {
  await db.insertInto('orders').values(row).execute()
}

/** An order by uuid or by its integer number, within the scope. */
export async function findOrder(
  db: Db,
  scope: OwnerScope,
  idOrNum: string,
): Promise<OrderRow | undefined> {
  const num = /^\d{1,15}$/.test(idOrNum) ? Number(idOrNum) : null
  return orderQuery(db)
    .where(ownerCondition(scope, 'orders.owner_id'))
    .where((eb) => (num === null ? eb('orders.id', '=', idOrNum) : eb('orders.num', '=', num)))
    .executeTakeFirst()
}

export interface OrderFilter {
  status?: OrderStatus
  customer?: string
  productId?: string
  /** ISO instants: from inclusive, to exclusive. */
  from?: string
  to?: string
}

export async function listOrders(
  db: Db,
  scope: OwnerScope,
  f: OrderFilter,
  page: number,
  limit: number,
): Promise<{ rows: OrderRow[]; total: number }> {
  let q = orderQuery(db).where(ownerCondition(scope, 'orders.owner_id'))
  if (f.status) q = q.where('orders.status', '=', f.status)
  if (f.productId) q = q.where('orders.product_id', '=', f.productId)
  if (f.from) q = q.where('orders.created_at', '>=', f.from)
  if (f.to) q = q.where('orders.created_at', '<', f.to)
  if (f.customer) {
    const text = f.customer.toLowerCase()
    const like = `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`
    q = q.where((eb) =>
      eb.or([
        eb('orders.customer_id', '=', f.customer!),
        dialectSql(db).ilike(sql.ref('customers.email'), like),
      ]),
    )
  }
  const rows = await q
    .orderBy('orders.num', 'desc')
    .limit(limit)
    .offset((page - 1) * limit)
    .execute()
  const count = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return { rows, total: Number(count.n) }
}

/*
 * The writes of pay / refund / cancel run in one ctx.tx each (see services/store/orders.ts);
 * the conditional UPDATEs below are what decide between racing requests, on any node.
 */

/**
 * Moves an order from one status to another only if it is still in `from`: the conditional
 * UPDATE is what makes "pay" happen once even when two requests race. Under READ COMMITTED on
 * PostgreSQL the second UPDATE waits for the first one's row lock, then re-checks its WHERE on
 * the committed row, finds the status changed and updates nothing (on SQLite the transactions
 * do not overlap at all).
 */
export async function transitionOrder(
  trx: Executor,
  id: string,
  from: OrderStatus,
  to: OrderStatus,
  now: string,
): Promise<boolean> {
  const r = await trx
    .updateTable('orders')
    .set({
      status: to,
      updated_at: now,
      ...(to === 'paid' && { paid_at: now }),
      ...(to === 'refunded' && { refunded_at: now }),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * Takes `qty` from a product's stock; false when it has fewer left (null stock = unlimited).
 * Concurrent takes queue on the product row's lock and each re-checks `stock >= qty` on the
 * value the previous one committed, so stock never goes below zero.
 */
export async function takeStock(trx: Executor, productId: string, qty: number): Promise<boolean> {
  const r = await trx
    .updateTable('products')
    .set((eb) => ({ stock: eb('stock', '-', qty) }))
    .where('id', '=', productId)
    .where((eb) => eb.or([eb('stock', 'is', null), eb('stock', '>=', qty)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function returnStock(trx: Executor, productId: string, qty: number): Promise<void> {
  await trx
    .updateTable('products')
    .set((eb) => ({ stock: eb('stock', '+', qty) }))
    .where('id', '=', productId)
    .where('stock', 'is not', null)
    .execute()
}

export async function countOrderKeys(db: Db, orderId: string): Promise<number> {
  const r = await db
    .selectFrom('licenses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Keys issued for these orders, or owned by this customer. */
export async function issuedKeys(
  db: Db,
  by: { orderIds?: string[]; customerId?: string },
): Promise<IssuedKeyRow[]> {
  if (by.orderIds && by.orderIds.length === 0) return []
  let q = db
    .selectFrom('licenses')
    .innerJoin('products', 'products.id', 'licenses.product_id')
    .select([
      'licenses.id',
      'licenses.num',
      'licenses.key',
      'licenses.product_id',
      'licenses.order_id',
      'licenses.status',
      'licenses.expires_at',
      'licenses.created_at',
      'products.name as product_name',
    ])
    .select(usedFlag)
  if (by.orderIds) q = q.where('licenses.order_id', 'in', by.orderIds)
  if (by.customerId) q = q.where('licenses.customer_id', '=', by.customerId)
  return q.orderBy('licenses.num').execute()
}
