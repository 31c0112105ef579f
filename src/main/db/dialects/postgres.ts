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
 * (when `text` can be part of a key) and metadata/notes substring, each served by a GIN trigram
 * index (migration 0001) for 3+ characters; PostgreSQL combines them with a BitmapOr. `like`
 * is `%text%`, escaped. ILIKE matches any case, as FTS5's trigram tokenizer does on SQLite.
 */
export function licenseSearchTerms(text: string, like: string): RawBuilder<boolean>[] {
  const upper = text.toUpperCase()
  const terms = [
    sql<boolean>`licenses.customer_id IN (SELECT id FROM customers WHERE email ILIKE ${like} ESCAPE '\\')`,
  ]
  if (KEY_CHARS.test(upper) && upper.length >= 4) {
    // Keys are stored upper-case: a case-sensitive prefix LIKE, which the trigram index serves.
    terms.push(sql<boolean>`licenses.key LIKE ${upper + '%'}`)
  }
  terms.push(
    sql<boolean>`(licenses.metadata ILIKE ${like} ESCAPE '\\' OR licenses.notes ILIKE ${like} ESCAPE '\\')`,
  )
  return terms
}

/** Nothing to do: the trigram indexes are on the license columns themselves. */
export async function indexLicensesForSearch(
  _ex: Executor,
  _rows: { num: number; metadata: string; notes: string }[],
): Promise<void> {}

/** Characters a license key is made of: a search of only these may be a key prefix. */
const KEY_CHARS = /^[A-Z0-9-]+$/

// -- shared state (console sessions, counters, change versions) --
