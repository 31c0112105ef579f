import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'

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

// -- store, webhooks, dashboard --

// -- search (pg_trgm / FTS5), migrations --

// -- shared state (console sessions, counters, change versions) --
