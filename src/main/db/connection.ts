import { Migrator } from 'kysely/migration'
import type { Checkpointer } from './sqlite/checkpointer'
import { migrationProvider } from './migrations'
import type { ChangeFeed, Db, DialectName, StatementRunner, TxRunner } from './types'
import { openSqlite } from './sqlite/open'
import { openPostgres, isPostgresUrl } from './postgres/open'

export type { Db, Trx, Executor, TxRunner, StatementRunner, DialectName, ChangeFeed } from './types'

/** The database behind the services: the only way they reach it (see DESIGN.md, data boundary). */
export interface Store {
  dialect: DialectName
  db: Db
  /** One transaction (see TxRunner). */
  tx: TxRunner
  /** One statement, committed (see StatementRunner). */
  write: StatementRunner
  changes: ChangeFeed
  /** The SQLite file (':memory:' in some tests), or the PostgreSQL URL without its password. */
  file: string
  /** Transactions committed and COMMITs spent on them (group commit on SQLite). */
  stats(): { writes: number; commits: number; retries: number }
  /** The background WAL checkpointer (SQLite files only); exposed for tests and diagnostics. */
  checkpointer: Checkpointer | null
  /**
   * Figures for /metrics, by name: PostgreSQL's pool (connections total, idle, waiting) or the
   * SQLite file's WAL size in bytes.
   */
  poolStats(): Record<string, number>
  /** The migrations this open applied (empty when the schema was already up to date). */
  migrationsRun: string[]
  /** Calls `listener` with the size of each committed batch (SQLite group commit); unsubscribes. */
  onCommitBatch(listener: (size: number) => void): () => void
  close(): Promise<void>
}

/**
 * Opens the store at `target`: a `postgres://` (or `postgresql://`) URL selects PostgreSQL,
 * anything else is a SQLite file (created if needed). Either way the schema is brought up to date.
 * `workers`: how many processes serve this SQLite file at once (`serve --workers N`).
 */
export async function openStore(
  target: string,
  opts: { workers?: number } = {},
): Promise<Store> {
  return isPostgresUrl(target) ? openPostgres(target) : openSqlite(target, opts)
}

/** Applies every pending migration; the names applied. Throws with the failing migration's name. */
export async function migrate(db: Db, dialect: DialectName): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`database migration ${failed} failed: ${String(error)}`)
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

export { ownerOnly } from './sqlite/open'
