import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'

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

// -- store, webhooks, dashboard --

// -- search (pg_trgm / FTS5), migrations --

// -- shared state (console sessions, counters, change versions) --
