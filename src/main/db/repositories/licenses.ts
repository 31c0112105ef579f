import { CompiledQuery, sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely'
import type { Db, Executor } from '../connection'
import type { Database, License, NewLicense } from '../schema'
import type { LicenseFilter, ListLicensesQuery } from '@shared/schemas'
import { escapeLike } from './products'
import { dialectOf, dialectSql } from '../dialects'

export type LicenseRow = License & {
  current_uses: number
  /** Machines holding a seat now (migration 0009). */
  seats_in_use: number
  /** The product's policy JSON (the DTO shows the effective policy). */
  product_policy: string | null
  first_hwid: string | null
  customer_email: string | null
  product_name: string | null
}

type LicQuery = SelectQueryBuilder<Database, 'licenses', object>

/** Columns every license read returns: the row plus what the DTO derives from other tables. */
function withDerived(q: LicQuery) {
  return q
    .selectAll('licenses')
    .select((eb) => [
      eb
        .selectFrom('machines')
        .whereRef('machines.license_id', '=', 'licenses.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('current_uses'),
      eb
        .selectFrom('machines')
        .whereRef('machines.license_id', '=', 'licenses.id')
        .where('machines.seat', '=', 'held')
        .select(eb.fn.countAll<number>().as('n'))
        .as('seats_in_use'),
      eb
        .selectFrom('products')
        .whereRef('products.id', '=', 'licenses.product_id')
        .select('policy')
        .as('product_policy'),
      eb
        .selectFrom('machines')
        .whereRef('machines.license_id', '=', 'licenses.id')
        .select('hwid')
        .orderBy('first_seen_at')
        .limit(1)
        .as('first_hwid'),
      eb
        .selectFrom('customers')
        .whereRef('customers.id', '=', 'licenses.customer_id')
        .select('email')
        .as('customer_email'),
      eb
        .selectFrom('products')
        .whereRef('products.id', '=', 'licenses.product_id')
        .select('name')
        .as('product_name'),
    ])
}

function normalize(r: LicenseRow): LicenseRow {
  return {
    ...r,
    current_uses: Number(r.current_uses ?? 0),
    seats_in_use: Number(r.seats_in_use ?? 0),
  }
}

const INSERT_COLUMNS = [
  'id',
  'product_id',
  'key',
  'type',
  'status',
  'level',
  'max_uses',
  'hwid_locked',
  'max_sessions',
  'expires_at',
  'metadata',
  'notes',
  'status_reason',
  'customer_id',
  'order_id',
  'expired_notified_at',
  'created_at',
  'updated_at',
  'title',
  'environment',
  'policy',
] as const

/** Columns whose table default a row may leave out (every column is bound, so it is bound here). */
const INSERT_DEFAULTS: Partial<Record<(typeof INSERT_COLUMNS)[number], unknown>> = {
  environment: 'production',
}

/** Rows per INSERT statement (x 21 columns = 2,100 bound parameters, far under either limit). */
const CHUNK = 100

const insertTexts = new Map<string, string>()

/**
 * The INSERT of `rows` licenses in the executor's dialect, compiled once per size: building and
 * compiling 1,800 values through the query builder cost ~13 µs a key, a sixth of bulk creation.
 */
function insertText(ex: Executor, rows: number): string {
  const cacheKey = `${dialectOf(ex)}:${rows}`
  let text = insertTexts.get(cacheKey)
  if (!text) {
    const tuple = sql`(${sql.join(INSERT_COLUMNS.map(() => null))})`
    text = sql`INSERT INTO licenses (${sql.join(INSERT_COLUMNS.map((c) => sql.ref(c)))})
      VALUES ${sql.join(Array.from({ length: rows }, () => tuple))} RETURNING id, num`.compile(
      ex,
    ).sql
    insertTexts.set(cacheKey, text)
  }
  return text
}

/**
 * Inserts `rows` inside the caller's transaction (`trx` of ctx.tx: all or none) and returns each
 * row's `num`, in input order.
 *
 * This is THE way licenses are inserted: it also adds them to the search index
 * (dialectSql.indexNewLicenses: SQLite's trigram table licenses_fts, which no insert trigger
 * feeds, migration 0003). Set-based, 100 licenses per statement: an insert trigger ran its
 * program once per key (a quarter of bulk creation's time at 1M licenses), and one statement per
 * row made SQLite keep a statement journal of every page each statement changed. Updates and
 * deletes keep their triggers.
 */
export async function insertLicenses(trx: Executor, rows: NewLicense[]): Promise<number[]> {
  const numOf = new Map<string, number>()
  const index = dialectSql(trx).indexNewLicenses
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK)
    const params = chunk.flatMap((r) =>
      INSERT_COLUMNS.map((c) => r[c] ?? INSERT_DEFAULTS[c] ?? null),
    )
    const out = await trx.executeQuery<{ id: string; num: number }>(
      CompiledQuery.raw(insertText(trx, chunk.length), params),
    )
    // RETURNING rows come in no promised order: match them to the input by id.
    for (const o of out.rows) numOf.set(o.id, Number(o.num))
    await index(
      trx,
      chunk.map((r) => ({
        num: numOf.get(r.id)!,
        metadata: r.metadata ?? '{}',
        notes: r.notes ?? '',
      })),
    )
  }
  return rows.map((r) => numOf.get(r.id)!)
}

export async function findLicense(db: Db, id: string): Promise<LicenseRow | undefined> {
  const r = await withDerived(db.selectFrom('licenses'))
    .where('licenses.id', '=', id)
    .executeTakeFirst()
  return r ? normalize(r as LicenseRow) : undefined
}

export async function findLicenseByKey(db: Db, key: string): Promise<LicenseRow | undefined> {
  const r = await withDerived(db.selectFrom('licenses'))
    .where('licenses.key', '=', key)
    .executeTakeFirst()
  return r ? normalize(r as LicenseRow) : undefined
}

export async function findLicensesByIds(db: Db, ids: string[]): Promise<LicenseRow[]> {
  if (ids.length === 0) return []
  const rows = await withDerived(db.selectFrom('licenses'))
    .where('licenses.id', 'in', ids)
    .execute()
  return rows.map((r) => normalize(r as LicenseRow))
}

/**
 * The status filter, with `expired` derived from `expires_at` so that a license past its
 * expiry reads as expired without any sweep having run.
 */
function statusFilter(status: string, now: string) {
  return (eb: ExpressionBuilder<Database, 'licenses'>) => {
    if (status === 'expired') {
      return eb.or([
        eb('licenses.status', '=', 'expired'),
        eb.and([eb('licenses.status', '=', 'active'), eb('licenses.expires_at', '<=', now)]),
      ])
    }
    if (status === 'active') {
      return eb.and([
        eb('licenses.status', '=', 'active'),
        eb.or([eb('licenses.expires_at', 'is', null), eb('licenses.expires_at', '>', now)]),
      ])
    }
    return eb('licenses.status', '=', status as License['status'])
  }
}

function applyFilters(
  db: Db,
  q: LicQuery,
  f: LicenseFilter,
  now: string,
  ownerId?: string,
): LicQuery {
  if (ownerId) {
    q = q.where((eb) =>
      eb(
        'licenses.product_id',
        'in',
        eb.selectFrom('products').select('products.id').where('products.owner_id', '=', ownerId),
      ),
    )
  }
  if (f.product_id) q = q.where('licenses.product_id', '=', f.product_id)
  if (f.customer_id) q = q.where('licenses.customer_id', '=', f.customer_id)
  if (f.type) q = q.where('licenses.type', '=', f.type)
  if (f.status) q = q.where(statusFilter(f.status, now))
  if (f.expires_from) q = q.where('licenses.expires_at', '>=', f.expires_from)
  if (f.expires_to) q = q.where('licenses.expires_at', '<=', f.expires_to)
  const text = f.q?.trim()
  if (text) {
    // One search box, three indexed paths OR-ed together: key prefix, customer email,
    // metadata/notes substring (the SQL of each dialect is in db/dialects, search section).
    const terms = dialectSql(db).licenseSearchTerms(text, `%${escapeLike(text)}%`)
    q = q.where((eb) => eb.or(terms))
  }
  return q
}

export async function listLicenses(
  db: Db,
  f: ListLicensesQuery,
  now: string,
  ownerId?: string,
): Promise<{ rows: LicenseRow[]; total: number }> {
  const base = applyFilters(db, db.selectFrom('licenses'), f, now, ownerId)
  const sortCol = `licenses.${f.sort}` as const
  // Two steps: pick the page's rowids first, then compute the derived columns (machine count,
  // first HWID, customer, product) for those rows only. In one query SQLite would evaluate
  // them for every matching row before sorting: seconds when a search matches 250,000 keys.
  const page = await base
    .select('licenses.num')
    .orderBy(sortCol, f.order)
    .orderBy('licenses.num', f.order)
    .limit(f.limit)
    .offset((f.page - 1) * f.limit)
    .execute()
  const nums = page.map((r) => r.num)
  const byNum = new Map(
    nums.length === 0
      ? []
      : (
          await withDerived(db.selectFrom('licenses')).where('licenses.num', 'in', nums).execute()
        ).map((r) => [r.num, r] as const),
  )
  const rows = nums.flatMap((n) => (byNum.has(n) ? [byNum.get(n)!] : []))
  const count = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return { rows: rows.map((r) => normalize(r as LicenseRow)), total: Number(count.n) }
}

/** How many licenses match a filter (the "all N matching" of the console's table). */
export async function countLicenses(
  db: Db,
  f: LicenseFilter,
  now: string,
  ownerId?: string,
): Promise<number> {
  const r = await applyFilters(db, db.selectFrom('licenses'), f, now, ownerId)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/**
 * The next `limit` licenses matching a filter after number `afterNum`, in number order: a
 * keyset cursor, so a bulk action or an export walks any number of rows one batch at a time
 * (rows a batch changed or deleted do not shift the next one).
 */
export async function licenseBatchAfter(
  db: Db,
  f: LicenseFilter,
  now: string,
  ownerId: string | undefined,
  afterNum: number,
  limit: number,
): Promise<LicenseRow[]> {
  const nums = (
    await applyFilters(db, db.selectFrom('licenses'), f, now, ownerId)
      .select('licenses.num')
      .where('licenses.num', '>', afterNum)
      .orderBy('licenses.num', 'asc')
      .limit(limit)
      .execute()
  ).map((r) => r.num)
  if (nums.length === 0) return []
  const rows = await withDerived(db.selectFrom('licenses'))
    .where('licenses.num', 'in', nums)
    .orderBy('licenses.num', 'asc')
    .execute()
  return rows.map((r) => normalize(r as LicenseRow))
}
