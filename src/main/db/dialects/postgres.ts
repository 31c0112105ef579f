import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'
import type { Executor } from '../types'

/*
 * Postgres's side of the SQL that differs between dialects (see ./index.ts). Every export here has
 * a twin with the same name and type in the other dialect's file. Sections by area.
 */

/** Case-insensitive substring match, `pattern` already escaped for LIKE with ESCAPE '\\'. */
export function ilike(column: RawBuilder<unknown>, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`${column} ILIKE ${pattern} ESCAPE '\\'`
}

// -- engine (licensing, sessions, machines, replay guard, events) --

/**
 * The row lock a writing licensing operation takes on the license it decides on: FOR NO KEY
 * UPDATE, held to the end of the (READ COMMITTED) transaction, serializes the decisions of one
 * license across connections and nodes (the next waits, then reads the row and the machines as
 * committed), while other licenses never wait. NO KEY: the foreign-key checks of inserts that
 * name the license (events, sessions, machines) take KEY SHARE, which it does not block.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return qb.forNoKeyUpdate()
}

// -- accounts --

/**
 * Held by a write that decides on a count of accounts (a registration's "am I the first?", a
 * demotion's "is another admin left?"): SHARE ROW EXCLUSIVE conflicts with itself and with
 * inserts and updates, so of two such writes at once the second waits, then counts what the
 * first committed. READ COMMITTED alone lets both count the same and both go ahead (two first
 * admins, or two admins demoting each other down to none). These writes are rare; logins and
 * reads never take it.
 */
export async function lockAccountsForCount(ex: Executor): Promise<void> {
  await sql`LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE`.execute(ex)
}

// -- store, webhooks, dashboard --

// webhooks outbox

/**
 * Locks the outbox cursor row for the drain: two nodes draining at once take turns, so the
 * second reads the cursor the first committed and moves no event twice.
 */
export function outboxCursorLock(): RawBuilder<unknown> {
  return sql`FOR UPDATE`
}

/**
 * The highest event id the outbox may move past: every event at or below it is committed.
 * Sequence ids commit out of order on PostgreSQL (id 11 may commit before id 10), so a cursor
 * moved past 11 would skip 10 forever. SHARE on events waits for every transaction that is
 * inserting events (they hold ROW EXCLUSIVE, which SHARE conflicts with) and is released at
 * once; any id taken later is above the max read here. Event writers wait only that moment.
 */
export async function outboxHorizon(ex: Executor): Promise<number | null> {
  return ex.transaction().execute(async (trx) => {
    // A long transaction holding events would queue every event writer behind this lock:
    // give up instead (the worker tries again at its next tick).
    await sql`SET LOCAL lock_timeout = '2s'`.execute(trx)
    await sql`LOCK TABLE events IN SHARE MODE`.execute(trx)
    const r = await sql<{ n: number }>`SELECT COALESCE(MAX(id), 0) AS n FROM events`.execute(trx)
    return Number(r.rows[0].n)
  })
}

/**
 * The lock a claim's inner SELECT takes on the rows it picks (deliveries, expired licenses):
 * FOR UPDATE SKIP LOCKED: rows another node is claiming right now are skipped, not waited
 * for and not taken twice; READ COMMITTED re-checks the WHERE on the locked rows.
 */
export function skipLocked(): RawBuilder<unknown> {
  return sql`FOR UPDATE SKIP LOCKED`
}

// backup (logical copy, db/logical.ts)

/**
 * After rows were copied in with their ids: moves every serial/identity sequence of `tables`
 * past the largest id restored, or the next insert would collide with a restored row.
 */
export async function afterBulkRestore(ex: Executor, tables: string[]): Promise<void> {
  const r = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema()
       AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`.execute(ex)
  for (const c of r.rows.filter((x) => tables.includes(x.table_name))) {
    await sql`SELECT setval(pg_get_serial_sequence(${c.table_name}, ${c.column_name}),
        COALESCE((SELECT MAX(${sql.ref(c.column_name)}) FROM ${sql.table(c.table_name)}), 1),
        (SELECT MAX(${sql.ref(c.column_name)}) FROM ${sql.table(c.table_name)}) IS NOT NULL)`.execute(
      ex,
    )
  }
}

// notifications

/**
 * The tie-break among same-millisecond notifications. PostgreSQL has no insert-ordered row id
 * (ctid and xmin move when a notification is marked read): their id, which is stable at least.
 */
export function notificationInsertOrder(): RawBuilder<unknown> {
  return sql`notifications.id`
}

/** One text field of a JSON object kept as text (`$.key`), or null. */
export function jsonText(column: RawBuilder<unknown>, key: string): RawBuilder<string | null> {
  // JSON columns stay text (same shape as on SQLite); a cast reads them.
  return sql<string | null>`(${column}::json ->> ${key})`
}

/** The UTC day (YYYY-MM-DD) of an ISO timestamp kept as text. */
export function utcDay(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`substr(${column}, 1, 10)`
}

/** A column the planner must not pick an index for (SQLite's unary `+`; PostgreSQL plans alone). */
export function unindexed(column: RawBuilder<unknown>): RawBuilder<unknown> {
  return column
}

/** `table`, read through `index` (SQLite's INDEXED BY; PostgreSQL chooses for itself). */
export function tableVia(table: string, index: string): RawBuilder<unknown> {
  void index
  return sql`${sql.table(table)}`
}

/**
 * Adds new licenses to the search index. Nothing on PostgreSQL: its GIN trigram indexes are on
 * the licenses columns themselves.
 */
export async function indexNewLicenses(
  ex: Executor,
  rows: readonly { num: number; metadata: string; notes: string }[],
): Promise<void> {
  void ex
  void rows
}

// -- search (pg_trgm / FTS5), migrations --

/**
 * The license search box's terms, OR-ed by the caller: customer email substring, key prefix
 * (when `text` can be part of a key) and metadata/notes substring. One term here: the union of
 * the three paths' license numbers, each read from its own index (GIN trigram on customers.email
 * then licenses_customer; trigram on key, metadata, notes; migration 0001). OR-ed in the outer
 * query, the planner could not combine the customer subquery with the others and scanned every
 * license: listLicenses took ~1.07 s at 200,000 licenses, 47-103 ms with the union (measured on
 * PostgreSQL 15, page + count). `like` is `%text%`, escaped. ILIKE matches any case,
 * as FTS5's trigram tokenizer does on SQLite.
 */
export function licenseSearchTerms(text: string, like: string): RawBuilder<boolean>[] {
  const upper = text.toUpperCase()
  const paths = [
    sql`SELECT s.num FROM licenses s
      WHERE s.customer_id IN (SELECT id FROM customers WHERE email ILIKE ${like} ESCAPE '\\')`,
  ]
  if (KEY_CHARS.test(upper) && upper.length >= 4) {
    // Keys are stored upper-case: a case-sensitive prefix LIKE, which the trigram index serves.
    paths.push(sql`SELECT s.num FROM licenses s WHERE s.key LIKE ${upper + '%'}`)
  }
  paths.push(sql`SELECT s.num FROM licenses s
    WHERE s.metadata ILIKE ${like} ESCAPE '\\' OR s.notes ILIKE ${like} ESCAPE '\\'`)
  return [sql<boolean>`licenses.num IN (${sql.join(paths, sql` UNION `)})`]
}

/** Characters a license key is made of: a search of only these may be a key prefix. */
const KEY_CHARS = /^[A-Z0-9-]+$/

// -- shared state (console sessions, counters, change versions) --
