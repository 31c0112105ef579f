import { sql } from 'kysely'
import type { Db } from '../connection'
import { ownerCondition, type OwnerScope } from './store'
import { dialectSql } from '../dialects'

/** The customer with this email for this owner, created on first sight. */
export async function findOrCreateCustomer(
  db: Db,
  ownerId: string | null,
  email: string,
  id: string,
  now: string,
): Promise<string> {
  const normalized = email.trim().toLowerCase()
  let q = db.selectFrom('customers').select('id').where('email', '=', normalized)
  q = ownerId === null ? q.where('owner_id', 'is', null) : q.where('owner_id', '=', ownerId)
  const existing = await q.executeTakeFirst()
  if (existing) return existing.id
  // Two first orders of one email (on two nodes) may both get here: the unique
  // (owner_id, email) index lets one insert win, and the other reads the winner's row.
  // Products without an owner (null) have no such index to meet; they come from one console.
  const r = await db
    .insertInto('customers')
    .values({ id, owner_id: ownerId, email: normalized, name: null, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  if (Number(r.numInsertedOrUpdatedRows ?? 1) > 0) return id
  return (await q.executeTakeFirstOrThrow()).id
}

export interface CustomerRow {
  id: string
  owner_id: string | null
  email: string
  name: string | null
  notes: string
  created_at: string
  orders: number
  paid_orders: number
  keys: number
}

function customerQuery(db: Db) {
  return db
    .selectFrom('customers')
    .selectAll('customers')
    .select((eb) => [
      eb
        .selectFrom('orders')
        .whereRef('orders.customer_id', '=', 'customers.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('orders'),
      eb
        .selectFrom('orders')
        .whereRef('orders.customer_id', '=', 'customers.id')
        .where('orders.status', '=', 'paid')
        .select(eb.fn.countAll<number>().as('n'))
        .as('paid_orders'),
      eb
        .selectFrom('licenses')
        .whereRef('licenses.customer_id', '=', 'customers.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('keys'),
    ])
}

function normalize(r: CustomerRow): CustomerRow {
  return {
    ...r,
    orders: Number(r.orders ?? 0),
    paid_orders: Number(r.paid_orders ?? 0),
    keys: Number(r.keys ?? 0),
  }
}

/** Customers of a scope (see OwnerScope), newest first, optionally matching an email or name. */
export async function listCustomers(
  db: Db,
  scope: OwnerScope,
  q: string | undefined,
  page: number,
  limit: number,
): Promise<{ rows: CustomerRow[]; total: number }> {
  let base = db.selectFrom('customers').where(ownerCondition(scope, 'customers.owner_id'))
  if (q?.trim()) {
    const { ilike } = dialectSql(db)
    const like = `%${q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => '\\' + c)}%`
    base = base.where(
      // Any case on both dialects (PostgreSQL's LIKE is case-sensitive).
      (eb) =>
        eb.or([ilike(sql.ref('customers.email'), like), ilike(sql.ref('customers.name'), like)]),
    )
  }
  const ids = base.select('customers.id')
  const rows = await customerQuery(db)
    .where('customers.id', 'in', ids)
    .orderBy('customers.created_at', 'desc')
    .orderBy('customers.id')
    .limit(limit)
    .offset((page - 1) * limit)
    .execute()
  const count = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return { rows: rows.map((r) => normalize(r as CustomerRow)), total: Number(count.n) }
}

export async function findCustomer(
  db: Db,
  scope: OwnerScope,
  id: string,
): Promise<CustomerRow | undefined> {
  const r = await customerQuery(db)
    .where('customers.id', '=', id)
    .where(ownerCondition(scope, 'customers.owner_id'))
    .executeTakeFirst()
  return r ? normalize(r as CustomerRow) : undefined
}

/** Replaces a customer's notes; false when the scope has no such customer. */
export async function setCustomerNotes(
  db: Db,
  scope: OwnerScope,
  id: string,
  notes: string,
): Promise<boolean> {
  const r = await db
    .updateTable('customers')
    .set({ notes })
    .where('id', '=', id)
    .where(ownerCondition(scope, 'customers.owner_id'))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/** Money each customer paid (net of refunds), per currency. */
export async function spentByCustomer(
  db: Db,
  customerIds: string[],
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>()
  if (customerIds.length === 0) return out
  const rows = await db
    .selectFrom('orders')
    .select(['customer_id', 'currency'])
    .select((eb) => eb.fn.sum<number>('amount_cents').as('cents'))
    .where('customer_id', 'in', customerIds)
    .where('status', '=', 'paid')
    .groupBy(['customer_id', 'currency'])
    .execute()
  for (const r of rows) {
    const m = out.get(r.customer_id) ?? {}
    m[r.currency] = Number(r.cents)
    out.set(r.customer_id, m)
  }
  return out
}

/** Sets a customer's name if it has none yet (orders may carry one). */
export async function nameCustomerIfUnnamed(db: Db, id: string, name: string): Promise<void> {
  await db
    .updateTable('customers')
    .set({ name })
    .where('id', '=', id)
    .where('name', 'is', null)
    .execute()
}
