import { AsyncLocalStorage } from 'node:async_hooks'
import type BetterSqlite3 from 'better-sqlite3'
import {
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
  type TransactionSettings,
} from 'kysely'

/**
 * Kysely's SQLite dialect over our one better-sqlite3 connection, with two things it lacks:
 *
 * - **One user at a time.** Kysely's SQLite driver hands the same connection to every caller,
 *   so a query from another request would run inside a transaction someone holds open across an
 *   await (and be rolled back with it). Here a transaction holds the connection until it ends;
 *   every other query waits its turn, as on a pool of one.
 * - **Prepared statements kept.** better-sqlite3 compiles SQL on every `prepare`; Kysely prepares
 *   per query. Statements are kept by their SQL text (the hot path's queries are a few dozen).
 */
export class LockedSqliteDialect extends SqliteDialect {
  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly lock: ConnectionLock,
  ) {
    super({ database: cachingDatabase(sqlite) })
  }

  override createDriver(): Driver {
    return new LockedDriver(super.createDriver(), this.lock)
  }
}

const STATEMENTS_KEPT = 500

function cachingDatabase(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const kept = new Map<string, BetterSqlite3.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let s = kept.get(sql)
      if (s) return s as unknown as SqliteStatement
      s = sqlite.prepare(sql)
      if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!)
      kept.set(sql, s)
      return s as unknown as SqliteStatement
    },
  }
}

/**
 * The connection's owner: a FIFO lock, plus the transaction (if any) the current async context
 * runs in, so that a query on `db` made from inside `ctx.tx` fails at once with the reason
 * instead of waiting forever for the transaction it is part of.
 */
export class ConnectionLock {
  private held = false
  private readonly waiting: Array<() => void> = []
  private readonly scope = new AsyncLocalStorage<{ open: boolean }>()

  acquire(): Promise<void> {
    if (this.scope.getStore()?.open) {
      return Promise.reject(
        new Error('a query on db inside ctx.tx would wait for its own transaction: pass trx'),
      )
    }
    if (!this.held) {
      this.held = true
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.held = false
  }

  /** Runs `work` marked as inside an open transaction (see acquire). */
  async inside<T>(work: () => Promise<T>): Promise<T> {
    const mark = { open: true }
    try {
      return await this.scope.run(mark, work)
    } finally {
      mark.open = false
    }
  }

  /** True when the caller's async context is inside an open transaction. */
  get insideTransaction(): boolean {
    return this.scope.getStore()?.open === true
  }
}

class LockedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly lock: ConnectionLock,
  ) {}
  init() {
    return this.inner.init()
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.acquire()
    return this.inner.acquireConnection()
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection)
    this.lock.release()
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.inner.beginTransaction(connection, settings)
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.inner.commitTransaction(connection)
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.inner.rollbackTransaction(connection)
  }
  savepoint(...args: Parameters<NonNullable<Driver['savepoint']>>) {
    return this.inner.savepoint!(...args)
  }
  rollbackToSavepoint(...args: Parameters<NonNullable<Driver['rollbackToSavepoint']>>) {
    return this.inner.rollbackToSavepoint!(...args)
  }
  releaseSavepoint(...args: Parameters<NonNullable<Driver['releaseSavepoint']>>) {
    return this.inner.releaseSavepoint!(...args)
  }
  destroy() {
    return this.inner.destroy()
  }
}
