import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { Migrator } from 'kysely/migration'
import type { Database } from './schema'
import { migrationProvider } from './migrations'

export type Db = Kysely<Database>

export interface Store {
  db: Db
  /** The raw connection, for the few hot paths that use prepared statements directly. */
  sqlite: BetterSqlite3.Database
  /** Path of the SQLite file (':memory:' in some tests). */
  file: string
  close(): Promise<void>
}

/**
 * Opens (creating if needed) the SQLite store and brings its schema up to date.
 * WAL keeps readers and the writer from blocking each other; `synchronous = NORMAL` is
 * durable across process crashes in WAL mode (only an OS crash may lose the last commit).
 */
export async function openStore(file: string): Promise<Store> {
  const sqlite = new BetterSqlite3(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('cache_size = -32000')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  await migrate(db)
  let closed = false
  return {
    db,
    sqlite,
    file,
    async close() {
      if (closed) return
      closed = true
      try {
        sqlite.pragma('optimize')
        if (file !== ':memory:') sqlite.pragma('wal_checkpoint(TRUNCATE)')
      } finally {
        await db.destroy()
      }
    },
  }
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`database migration ${failed} failed: ${String(error)}`)
  }
}
