import BetterSqlite3 from 'better-sqlite3'
import { sql } from 'kysely'
import { dialectSql } from './dialects'
import type { Db, Executor } from './types'

/*
 * A logical copy of every table between a store of any dialect and a SQLite file: how a
 * PostgreSQL installation is backed up into (and restored from) the same file format a SQLite
 * installation's backups have, so a backup restores anywhere.
 */

/** Rows per INSERT: SQLite binds at most 32766 parameters per statement. */
const MAX_PARAMS = 30_000
/** Rows read per query from the source. */
const PAGE = 2_000

/**
 * The tables a backup holds, parents before children (foreign keys), read from a SQLite file
 * of the current schema. Left out: SQLite's own, the migration bookkeeping, the search
 * index (licenses_fts*), which the licenses triggers rebuild as rows arrive, and the license
 * rows' version, a counter of the file itself that must only grow (migration 0015).
 */
export function tablesInCopyOrder(sqliteFile: string): string[] {
  const db = new BetterSqlite3(sqliteFile, { readonly: true, fileMustExist: true })
  try {
    const names = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
        name: string
      }[]
    )
      .map((r) => r.name)
      .filter(
        (n) =>
          !/^(sqlite_|kysely_migration)/.test(n) &&
          !/_fts($|_)/.test(n) &&
          n !== 'license_rows_version',
      )
    const parents = new Map(
      names.map((n) => [
        n,
        (
          db.prepare(`SELECT "table" AS t FROM pragma_foreign_key_list(?)`).all(n) as {
            t: string
          }[]
        )
          .map((r) => r.t)
          .filter((t) => t !== n && names.includes(t)),
      ]),
    )
    const out: string[] = []
    const visit = (n: string, path: Set<string>) => {
      if (out.includes(n) || path.has(n)) return
      path.add(n)
      for (const p of parents.get(n) ?? []) visit(p, path)
      out.push(n)
    }
    for (const n of names) visit(n, new Set())
    return out
  } finally {
    db.close()
  }
}

async function columnsOf(ex: Executor): Promise<Map<string, string[]>> {
  const tables = await ex.introspection.getTables()
  return new Map(tables.map((t) => [t.name, t.columns.map((c) => c.name)]))
}

async function insertRows(ex: Executor, table: string, cols: string[], rows: unknown[][]) {
  const per = Math.max(1, Math.floor(MAX_PARAMS / cols.length))
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per)
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
      VALUES ${sql.join(chunk.map((r) => sql`(${sql.join(r)})`))}`.execute(ex)
  }
}

/**
 * Copies every table of `order` from `src` into `dst` (both stores of the current schema,
 * `dst` empty), the columns both have, then lets `dst` rebuild what derives from them (search
 * index, id sequences). `src` should be read in one snapshot (a repeatable-read
 * transaction on PostgreSQL): the backup is then consistent while the nodes keep serving.
 */
export async function copyTables(src: Executor, dst: Executor, order: string[]): Promise<number> {
  const [from, to] = await Promise.all([columnsOf(src), columnsOf(dst)])
  let copied = 0
  for (const table of order) {
    const cols = (from.get(table) ?? []).filter((c) => to.get(table)?.includes(c))
    if (cols.length === 0) continue
    const list = sql.join(cols.map((c) => sql.ref(c)))
    for (let offset = 0; ; offset += PAGE) {
      const r = await sql<Record<string, unknown>>`SELECT ${list} FROM ${sql.table(table)}
        ORDER BY ${list} LIMIT ${PAGE} OFFSET ${offset}`.execute(src)
      if (r.rows.length === 0) break
      await insertRows(
        dst,
        table,
        cols,
        r.rows.map((row) => cols.map((c) => row[c])),
      )
      copied += r.rows.length
      if (r.rows.length < PAGE) break
    }
  }
  await dialectSql(dst).afterBulkRestore(dst, order)
  return copied
}

/**
 * Replaces every table of `order` in `dst` with the rows of `src`, in one transaction of `dst`:
 * children emptied first, parents filled first. A failure leaves `dst` as it was.
 */
export async function replaceTables(dst: Db, src: Executor, order: string[]): Promise<number> {
  return dst.transaction().execute(async (trx) => {
    for (const table of [...order].reverse())
      await sql`DELETE FROM ${sql.table(table)}`.execute(trx)
    return copyTables(src, trx, order)
  })
}
