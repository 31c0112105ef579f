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
 * Locks the rows a transaction decides on until it ends (PostgreSQL's FOR UPDATE). Nothing on
 * SQLite: a transaction holds the one connection, so nobody else reads or writes meanwhile.
 */
export function forUpdate<Q extends { forUpdate(): Q }>(q: Q): Q {
  return q.forUpdate()
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

/** The database engine's version, for the console's About box. */
export async function serverVersion(ex: Executor): Promise<string> {
  const r = await sql<{ v: string }>`SHOW server_version`.execute(ex)
  return (r.rows[0] as unknown as { server_version: string }).server_version
}

// -- search (pg_trgm / FTS5), migrations --

// -- shared state (console sessions, counters, change versions) --
