import { CompiledQuery, sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'
import type { Executor } from '../types'

/*
 * Sqlite's side of the SQL that differs between dialects (see ./index.ts). Every export here has
 * a twin with the same name and type in the other dialect's file. Sections by area.
 */

/** Case-insensitive substring match, `pattern` already escaped for LIKE with ESCAPE '\\'. */
export function ilike(column: RawBuilder<unknown>, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`${column} LIKE ${pattern} ESCAPE '\\'`
}

// -- engine (licensing, sessions, machines, replay guard, events) --

/**
 * The row lock a writing licensing operation takes on the license it decides on: none here, since
 * SQLite's one connection already runs one transaction at a time (see postgres.ts for the lock).
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return qb
}

// -- accounts --

/**
 * Held by a write that decides on a count of accounts: nothing here, the write transaction
 * already holds SQLite's one writer lock (see postgres.ts for the lock).
 */
export async function lockAccountsForCount(_ex: Executor): Promise<void> {}

// -- store, webhooks, dashboard --

// webhooks outbox

/** Locks the outbox cursor row for the drain (a no-op: the one connection already serializes). */
export function outboxCursorLock(): RawBuilder<unknown> {
  return sql``
}

/**
 * The highest event id the outbox may move past: every event at or below it is committed.
 * SQLite has one writer, so an id is visible only once everything before it is: no limit.
 */
export async function outboxHorizon(_ex: Executor): Promise<number | null> {
  return null
}

/**
 * The lock a claim's inner SELECT takes on the rows it picks (deliveries, expired licenses):
 * nothing here: the caller's transaction holds the one connection, so no other claim interleaves.
 */
export function skipLocked(): RawBuilder<unknown> {
  return sql``
}

// backup (logical copy, db/logical.ts)

/**
 * After rows were copied in with their ids: the search index is rebuilt from licenses (no
 * insert trigger feeds it, migration 0003). AUTOINCREMENT already follows the inserted ids.
 */
export async function afterBulkRestore(ex: Executor, tables: string[]): Promise<void> {
  if (tables.includes('licenses'))
    await sql`INSERT INTO licenses_fts(licenses_fts) VALUES ('rebuild')`.execute(ex)
}

// notifications

/** The tie-break among same-millisecond notifications: newest insert first (rowid grows with inserts). */
export function notificationInsertOrder(): RawBuilder<unknown> {
  return sql`notifications.rowid`
}

/** One text field of a JSON object kept as text (`$.key`), or null. */
export function jsonText(column: RawBuilder<unknown>, key: string): RawBuilder<string | null> {
  return sql<string | null>`json_extract(${column}, ${'$.' + key})`
}

/** The UTC day (YYYY-MM-DD) of an ISO timestamp kept as text. */
export function utcDay(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`substr(${column}, 1, 10)`
}

/** A column the planner must not pick an index for (SQLite's unary `+`; PostgreSQL plans alone). */
export function unindexed(column: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`+${column}`
}

/** `table`, read through `index` (SQLite's INDEXED BY; PostgreSQL chooses for itself). */
export function tableVia(table: string, index: string): RawBuilder<unknown> {
  return sql`${sql.table(table)} INDEXED BY ${sql.id(index)}`
}

/**
 * Adds new licenses to the search index. On SQLite that is the FTS5 trigram table licenses_fts,
 * which no insert trigger feeds (migration 0003): only rows with metadata or notes are written.
 */
export async function indexNewLicenses(
  ex: Executor,
  rows: readonly { num: number; metadata: string; notes: string }[],
): Promise<void> {
  const indexed = rows.filter((r) => r.metadata !== '{}' || r.notes !== '')
  if (indexed.length === 0) return
  // The text is made once per size: bulk creation writes 100 rows a statement.
  const n = indexed.length
  let text = ftsInserts.get(n)
  if (!text) {
    text = `INSERT INTO licenses_fts (rowid, metadata, notes) VALUES ${Array<string>(n).fill('(?, ?, ?)').join(', ')}`
    ftsInserts.set(n, text)
  }
  await ex.executeQuery(
    CompiledQuery.raw(
      text,
      indexed.flatMap((r) => [r.num, r.metadata, r.notes]),
    ),
  )
}
const ftsInserts = new Map<number, string>()

// -- search (pg_trgm / FTS5), migrations --

/**
 * The license search box's terms, OR-ed by the caller: customer email substring, key prefix
 * (when `text` can be part of a key) and metadata/notes substring. Each runs on its own index
 * and SQLite unions them, so a million licenses are never scanned. `like` is `%text%`, escaped.
 */
export function licenseSearchTerms(text: string, like: string): RawBuilder<boolean>[] {
  const upper = text.toUpperCase()
  const terms = [
    // A substring LIKE reads every customer; reading the email index instead of the table
    // reads a third of the pages (~9 -> ~5.5 ms per pass at 100,000 customers, measured with
    // `npm run bench`; the page and the count each make one pass).
    sql<boolean>`licenses.customer_id IN (SELECT id FROM customers INDEXED BY customers_email
      WHERE email LIKE ${like} ESCAPE '\\')`,
  ]
  if (KEY_CHARS.test(upper) && upper.length >= 4) {
    // GLOB is case-sensitive, so SQLite can walk the unique key index.
    terms.push(sql<boolean>`licenses.key GLOB ${upper.replace(/[*?[\]]/g, '') + '*'}`)
  }
  // The trigram full-text index licenses_fts (substring, any case) needs 3 characters.
  terms.push(
    text.length >= 3
      ? sql<boolean>`licenses.num IN (SELECT rowid FROM licenses_fts WHERE licenses_fts MATCH ${`"${text.replace(/"/g, '""')}"`})`
      : sql<boolean>`(licenses.metadata LIKE ${like} ESCAPE '\\' OR licenses.notes LIKE ${like} ESCAPE '\\')`,
  )
  return terms
}

/** Characters a license key is made of: a search of only these may be a key prefix. */
const KEY_CHARS = /^[A-Z0-9-]+$/

// -- shared state (console sessions, counters, change versions) --
