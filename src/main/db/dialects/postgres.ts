import { sql, type RawBuilder } from 'kysely'
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

// -- store, webhooks, dashboard --

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

/** Nothing to do: the trigram indexes are on the license columns themselves. */
export async function indexLicensesForSearch(
  _ex: Executor,
  _rows: { num: number; metadata: string; notes: string }[],
): Promise<void> {}

/** Characters a license key is made of: a search of only these may be a key prefix. */
const KEY_CHARS = /^[A-Z0-9-]+$/

// -- shared state (console sessions, counters, change versions) --
