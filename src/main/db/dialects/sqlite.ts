import { CompiledQuery, sql, type RawBuilder } from 'kysely'
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

// -- store, webhooks, dashboard --

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
 * Locks the rows a transaction decides on until it ends (PostgreSQL's FOR UPDATE). Nothing on
 * SQLite: a transaction holds the one connection, so nobody else reads or writes meanwhile.
 */
export function forUpdate<Q extends { forUpdate(): Q }>(q: Q): Q {
  return q
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

/** The database engine's version, for the console's About box. */
export async function serverVersion(ex: Executor): Promise<string> {
  const r = await sql<{ v: string }>`SELECT sqlite_version() AS v`.execute(ex)
  return r.rows[0].v
}

// -- search (pg_trgm / FTS5), migrations --

// -- shared state (console sessions, counters, change versions) --
