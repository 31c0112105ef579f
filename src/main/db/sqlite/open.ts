import { chmodSync, existsSync, statSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely } from 'kysely'
import type { Database } from '../schema'
import type { Store } from '../connection'
import { migrate } from '../connection'
import { startCheckpointer, type Checkpointer } from './checkpointer'
import { CachingSqliteDialect, statementCache } from './dialect'
import { registerDirectRunner } from './direct'
import { changeMarker } from './change-mark'
import { createGroupCommit } from './group-commit'
import { registerHandle } from './handles'

/** SQLite's default: checkpoint from the committing connection once the WAL has this many pages. */
const DEFAULT_AUTOCHECKPOINT = 1000
/**
 * With the worker checkpointing, the main connection only checkpoints if the WAL reaches ~40 MB
 * (4 KiB pages): a safety net that keeps the WAL bounded should the worker fall behind.
 */
const SAFETY_AUTOCHECKPOINT = 10_000

/**
 * Opens (creating if needed) the SQLite store and brings its schema up to date.
 * WAL keeps readers and the writer from blocking each other; `synchronous = NORMAL` is
 * durable across process crashes in WAL mode (only an OS crash may lose the last commit).
 */
export async function openSqlite(file: string, opts: { workers?: number } = {}): Promise<Store> {
  // Owner-only from the first byte: SQLite creates the -wal and -shm files with the mode of the
  // database file, and the umask covers a database it creates itself.
  const umask = process.umask(0o077)
  let sqlite: BetterSqlite3.Database
  try {
    sqlite = new BetterSqlite3(file)
    sqlite.pragma('journal_mode = WAL')
  } finally {
    process.umask(umask)
  }
  if (file !== ':memory:') ownerOnly(file)
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // One process: a 32 MB page cache. With `--workers N` every other worker's commit resets this
  // connection's cache (WAL: a connection drops its pages when the database changed under it),
  // which happens every few milliseconds under load, so a large private cache holds little
  // that survives: 8 MB each, where the OS page cache serves all of them.
  sqlite.pragma(`cache_size = ${(opts.workers ?? 1) > 1 ? -8000 : -32000}`)
  const prepare = statementCache(sqlite)
  const db = new Kysely<Database>({ dialect: new CachingSqliteDialect(sqlite, prepare) })
  registerHandle(db, sqlite)
  registerDirectRunner(db, sqlite, prepare)
  const migrationsRun = await migrate(db, 'sqlite')
  // Checkpoints (page copies + fsync) run on a worker thread, not inside the COMMIT of whichever
  // request crossed the autocheckpoint threshold. Started after migrate so the file exists.
  let closed = false
  let checkpointer: Checkpointer | null = null
  if (file !== ':memory:') {
    sqlite.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT}`)
    checkpointer = startCheckpointer(file, {
      onFailure(err) {
        if (closed) return
        sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`)
        console.warn(
          `SQLite checkpoint worker stopped (${err instanceof Error ? err.message : String(err)}); ` +
            'checkpointing on the main connection again',
        )
      },
    })
  }
  const batchListeners = new Set<(size: number) => void>()
  const group = createGroupCommit(db, sqlite, (size) => {
    for (const l of batchListeners) l(size)
  })
  const mark = changeMarker(sqlite)
  return {
    dialect: 'sqlite',
    db,
    tx: group.tx,
    write: group.tx,
    // Own row changes and other connections' commits (sqlite/change-mark.ts).
    changes: { mark, shared: (opts.workers ?? 1) > 1 },
    file,
    stats: group.stats,
    checkpointer,
    migrationsRun,
    poolStats: () => ({ wal_bytes: file === ':memory:' ? 0 : fileSize(`${file}-wal`) }),
    onCommitBatch(listener) {
      batchListeners.add(listener)
      return () => batchListeners.delete(listener)
    },
    async close() {
      if (closed) return
      closed = true
      try {
        // The worker's connection must be gone before TRUNCATE, which needs the WAL to itself.
        await checkpointer?.stop()
        sqlite.pragma('optimize')
        if (file !== ':memory:') sqlite.pragma('wal_checkpoint(TRUNCATE)')
      } finally {
        await db.destroy()
      }
    },
  }
}

/** A file's size in bytes; 0 when it does not exist (no WAL yet, or truncated away). */
function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/** chmod 0600 the database and its -wal/-shm files (those that exist). */
export function ownerOnly(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f)) chmodSync(f, 0o600)
  }
}
