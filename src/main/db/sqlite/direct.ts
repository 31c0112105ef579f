import type BetterSqlite3 from 'better-sqlite3'
import type { DialectAdapter, QueryResult } from 'kysely'
import type { Db, Executor } from '../types'

/**
 * Runs a compiled hot-path statement straight on the better-sqlite3 connection, when that is
 * safe, or answers null (then the caller goes through Kysely's executor as usual).
 *
 * Kysely's path costs about as much as SQLite's own work for a primary-key lookup: each query
 * passes the connection mutex and several async layers (a promise and a microtask each), and the
 * client hot path runs about ten statements per request (heartbeat: 12). Straight on the handle a
 * statement is one synchronous call. It is safe exactly when the statement cannot interleave
 * with someone else's open transaction on the one connection:
 *   - `ex` is a transaction: on SQLite's one connection it can only be the transaction that
 *     holds the connection now (Kysely hands it out under its mutex until COMMIT), so its
 *     statements are ours to run;
 *   - `ex` is the database and no transaction is open: nothing holds the connection between
 *     two statements of its own (better-sqlite3 is synchronous), so a statement run now is
 *     atomic, as an autocommit statement through Kysely would be.
 * Otherwise (a read on `db` while a group-commit batch is open) the statement waits its turn
 * on Kysely's mutex, as every query did before: it must not see the batch's uncommitted rows.
 */
export type DirectRunner = <R>(
  ex: Executor,
  sql: string,
  parameters: readonly unknown[],
) => QueryResult<R> | null

const runners = new WeakMap<DialectAdapter, DirectRunner>()

/** Registers the direct runner of a SQLite store (every Kysely instance of it shares one adapter). */
export function registerDirectRunner(
  db: Db,
  sqlite: BetterSqlite3.Database,
  prepare: (sql: string) => BetterSqlite3.Statement,
): void {
  runners.set(
    db.getExecutor().adapter,
    <R>(ex: Executor, sql: string, params: readonly unknown[]) => {
      if (!ex.isTransaction && sqlite.inTransaction) return null
      const stmt = prepare(sql)
      if (stmt.reader) return { rows: stmt.all(...params) as R[] }
      const r = stmt.run(...params)
      return {
        rows: [],
        numAffectedRows: BigInt(r.changes),
        insertId: BigInt(r.lastInsertRowid),
      }
    },
  )
}

/** The direct runner for this executor's store, if it is a SQLite store that has one. */
export function directRunnerOf(ex: Executor): DirectRunner | undefined {
  return runners.get(ex.getExecutor().adapter)
}
