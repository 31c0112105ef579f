import { sql } from 'kysely'
import type { Executor } from '../connection'
import { dialectSql } from '../dialects'
import { ownerCondition, type OwnerScope } from './store'

/**
 * The figures the dashboard and Store › Analytics both show (revenue, activations), read by one
 * query each so the two screens cannot disagree: the same definition, the same scope, the same
 * window. Grouped by UTC day, product (and currency for money); callers sum what they need.
 */

export interface FiguresRange {
  /** ISO instants, from inclusive, to exclusive. */
  from: string
  to: string
  productId?: string
}

export interface MoneyRow {
  day: string
  product_id: string
  currency: string
  cents: number
}

export interface CountRow {
  day: string
  product_id: string
  n: number
}

/** Events of products in scope (events carry no owner: the product's owner decides). */
function eventOwner(scope: OwnerScope) {
  if ('all' in scope) return sql`1 = 1`
  const owner = scope.ownerId === null ? sql`owner_id IS NULL` : sql`owner_id = ${scope.ownerId}`
  return sql`product_id IN (SELECT id FROM products WHERE ${owner})`
}

const product = (r: FiguresRange) =>
  r.productId === undefined ? sql`` : sql` AND product_id = ${r.productId}`

/**
 * Revenue: money in on the day an order was paid, money back on the day it was refunded (a
 * refunded order was paid first, so both are counted), per currency. Never converted.
 */
export async function revenueRows(
  ex: Executor,
  scope: OwnerScope,
  r: FiguresRange,
): Promise<{ paid: (MoneyRow & { n: number })[]; refunded: MoneyRow[] }> {
  const d = dialectSql(ex)
  const by = (col: 'paid_at' | 'refunded_at') =>
    sql<MoneyRow & { n: number }>`SELECT ${d.utcDay(sql.ref(col))} AS day, product_id, currency,
        count(*) AS n, sum(amount_cents) AS cents FROM orders
      WHERE ${ownerCondition(scope, 'owner_id')} AND ${sql.ref(col)} >= ${r.from}
        AND ${sql.ref(col)} < ${r.to}${product(r)}
      GROUP BY day, product_id, currency`.execute(ex)
  const [paid, refunded] = await Promise.all([by('paid_at'), by('refunded_at')])
  const num = (x: MoneyRow & { n: number }) => ({ ...x, n: Number(x.n), cents: Number(x.cents) })
  return {
    paid: paid.rows.map(num),
    refunded: refunded.rows.map(({ day, product_id, currency, cents }) => ({
      day,
      product_id,
      currency,
      cents: Number(cents),
    })),
  }
}

/**
 * Activations: every successful activation the engine recorded (`license_activation`, not
 * blocked), on every protocol. Counted from the event log, which keeps them when a machine is
 * later released or reclaimed (a count of machine rows would shrink), and read from the
 * (type, created_at) index.
 */
export async function activationRows(
  ex: Executor,
  scope: OwnerScope,
  r: FiguresRange,
): Promise<CountRow[]> {
  const day = dialectSql(ex).utcDay(sql.ref('created_at'))
  const { rows } = await sql<CountRow>`SELECT ${day} AS day, product_id, count(*) AS n
      FROM events WHERE type = 'license_activation' AND blocked = 0
        AND created_at >= ${r.from} AND created_at < ${r.to}
        AND product_id IS NOT NULL AND ${eventOwner(scope)}${product(r)}
      GROUP BY day, product_id`.execute(ex)
  return rows.map((x) => ({ ...x, n: Number(x.n) }))
}
