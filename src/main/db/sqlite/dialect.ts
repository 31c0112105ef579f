import type BetterSqlite3 from 'better-sqlite3'
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely'

/**
 * Kysely's SQLite dialect over our one better-sqlite3 connection, keeping prepared statements.
 *
 * better-sqlite3 compiles SQL on every `prepare` and Kysely prepares per query; here statements
 * are kept by their SQL text (the hot path's queries are a few dozen; the oldest are dropped
 * past STATEMENTS_KEPT). One user at a time is Kysely's own doing: for an adapter without
 * multiple connections its runtime driver hands the connection out under a mutex, so a
 * transaction holds it until COMMIT and every other query waits its turn. Hence the rule of
 * TxRunner: inside `ctx.tx` work, a query on `db` instead of `trx` waits for itself.
 */
export class CachingSqliteDialect extends SqliteDialect {
  constructor(sqlite: BetterSqlite3.Database, prepare: (sql: string) => BetterSqlite3.Statement) {
    const database: SqliteDatabase = {
      close: () => sqlite.close(),
      prepare: (sql) => prepare(sql) as unknown as SqliteStatement,
    }
    super({ database })
  }
}

const STATEMENTS_KEPT = 500

/**
 * Prepared statements kept by their SQL text, shared by Kysely's driver and the direct runner
 * (sqlite/direct.ts); the oldest are dropped past STATEMENTS_KEPT.
 */
export function statementCache(
  sqlite: BetterSqlite3.Database,
): (sql: string) => BetterSqlite3.Statement {
  const kept = new Map<string, BetterSqlite3.Statement>()
  return (sql) => {
    let s = kept.get(sql)
    if (!s) {
      s = sqlite.prepare(sql)
      if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!)
      kept.set(sql, s)
    }
    return s
  }
}
