import type { Kysely, Transaction } from 'kysely'
import type { Database } from './schema'

/** The database (a pool of connections on PostgreSQL, the one connection on SQLite). */
export type Db = Kysely<Database>
/** An open transaction. It is a `Db` too, so every repository takes either (Kysely's own pattern). */
export type Trx = Transaction<Database>
/** What a repository runs on: `db` for a single statement or a read, `trx` inside `ctx.tx`. */
export type Executor = Db

export type DialectName = 'sqlite' | 'postgres'

/**
 * Runs `work` in one transaction and resolves once it committed. On SQLite the transactions of
 * one event-loop turn share one COMMIT (group commit); on PostgreSQL each is its own pooled
 * transaction, run again when the server reports a serialization failure or a deadlock.
 * `work` may therefore run more than once: its results count only once it resolves.
 * Inside `work`, use `trx` only: a query on `db` there waits for the transaction it is in.
 */
export type TxRunner = <T>(work: (trx: Trx) => Promise<T>) => Promise<T>

/**
 * Runs `work` that is ONE statement (an event row, a counter upsert) and resolves once it is
 * committed. On SQLite it joins the group commit like `tx` (its COMMIT is shared); on PostgreSQL
 * it runs on the pool as an autocommit statement, atomic by itself: one round trip where
 * BEGIN, the statement and COMMIT were three. Work of several statements belongs in `tx`.
 */
export type StatementRunner = <T>(work: (ex: Executor) => Promise<T>) => Promise<T>

/**
 * What one node can tell about writes since an earlier mark. Equal marks mean nothing was
 * written meanwhile (by this node or another), so a row read at the first mark is still current.
 * `null`: this dialect cannot tell cheaply; re-read.
 */
export interface ChangeFeed {
  mark(): string | null
  /**
   * Other processes write this database all the time (PostgreSQL nodes, `serve --workers N` on
   * SQLite): counters that one process could keep in memory must be kept in the database.
   */
  shared?: boolean
}
