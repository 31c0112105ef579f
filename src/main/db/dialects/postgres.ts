import { sql, type RawBuilder } from 'kysely'

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

// -- shared state (console sessions, counters, change versions) --
