import type BetterSqlite3 from 'better-sqlite3'
import { SqliteDialect, type Driver, type SqliteDatabase, type SqliteStatement } from 'kysely'

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
  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly prepare: (sql: string) => BetterSqlite3.Statement,
  ) {
    const database: SqliteDatabase = {
      close: () => sqlite.close(),
      prepare: (sql) => prepare(sql) as unknown as SqliteStatement,
    }
    super({ database })
  }

  /** Transactions begin with `beginImmediate` (see there). */
  override createDriver(): Driver {
    const driver = super.createDriver()
    const timeoutMs = this.sqlite.pragma('busy_timeout', { simple: true }) as number
    driver.beginTransaction = () => beginImmediate(this.sqlite, this.prepare, timeoutMs)
    return driver
  }
}

/**
 * BEGIN IMMEDIATE, waiting for another process's write transaction without blocking the event
 * loop. With `serve --workers N` several processes write the file: a deferred BEGIN that read
 * and then wrote after another process committed would fail (SQLITE_BUSY_SNAPSHOT), and the
 * connection's busy handler waits by sleeping the thread (1-100 ms at a time, the whole event
 * loop with it). So the write lock is taken up front, with the busy timeout off, and a busy
 * answer is retried on the next turns of the event loop (reads and answers go on meanwhile).
 * One process alone (the desktop app, one worker) always gets the lock at once.
 */
async function beginImmediate(
  sqlite: BetterSqlite3.Database,
  prepare: (sql: string) => BetterSqlite3.Statement,
  timeoutMs: number,
): Promise<void> {
  const begin = prepare('BEGIN IMMEDIATE')
  // Each retry after the first few waits at least 1 ms: attempts bound the wait like the timeout.
  for (let attempt = 0; ; attempt++) {
    // `PRAGMA busy_timeout = N` takes effect when SQLite compiles it, not when it runs: a kept
    // statement would set the timeout once, at its first use, and the next kept one set it back
    // for good, so BEGIN slept in SQLite's busy handler, the whole event loop with it (up to the
    // 5 s timeout: group-commit.test.ts). `exec` compiles it every time, and costs a tenth of
    // `sqlite.pragma` (0.7 µs against 8.5: no statement object, no result rows), which ran twice
    // per transaction.
    sqlite.exec('PRAGMA busy_timeout = 0')
    try {
      begin.run()
      return
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || attempt > timeoutMs) throw e
    } finally {
      sqlite.exec(`PRAGMA busy_timeout = ${timeoutMs}`)
    }
    // The other process's batch is a few ms at most: the first retries go on the next turn.
    await new Promise((r) => (attempt < 4 ? setImmediate(r) : setTimeout(r, 1)))
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
