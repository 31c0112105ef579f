import { rmSync, statSync } from 'node:fs'
import { sql } from 'kysely'
import { migrate } from './connection'
import { dialectOf } from './dialects'
import { copyTables, replaceTables, tablesInCopyOrder } from './logical'
import { openSqlite } from './sqlite/open'
import { handleOf } from './sqlite/handles'
import { checkBackupFile, copyDatabaseFile, inspectDatabaseFile, quickCheck } from './sqlite/files'
import type { Db } from './types'
import { licenseRowsVersion, moveLicenseRowsVersionPast } from './repositories/machines'

export { checkBackupFile, copyDatabaseFile, inspectDatabaseFile, quickCheck }
export type { DatabaseFileFacts } from './sqlite/files'

/*
 * Backup, restore and checks of the live store, for services/backup (which imports no driver).
 * A backup is always a SQLite database file of the current schema, whatever the store's
 * dialect: a backup taken on PostgreSQL restores on SQLite and the other way round.
 */

/** What the console shows about the database. */
export interface DatabaseInfo {
  dialect: 'sqlite' | 'postgres'
  /** "3.46.1", or "PostgreSQL 15.18" */
  version: string
  /** The SQLite file (null in memory), or postgres://host:port/database (no user, no password). */
  location: string | null
  /** Bytes on disk: the SQLite file (0 in memory), or pg_database_size of the database. */
  bytes: number
}

export async function databaseInfo(db: Db): Promise<DatabaseInfo> {
  if (dialectOf(db) === 'sqlite') {
    const v = await sql<{ v: string }>`SELECT sqlite_version() AS v`.execute(db)
    const f = (
      await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db)
    ).rows.find((r) => r.name === 'main')?.file
    let bytes = 0
    try {
      if (f) bytes = statSync(f).size
    } catch {
      // gone since it was opened: shown as 0
    }
    return { dialect: 'sqlite', version: v.rows[0].v, location: f || null, bytes }
  }
  const r = await sql<{
    v: string
    host: string | null
    port: number | null
    db: string
    bytes: number
  }>`
    SELECT current_setting('server_version') AS v, host(inet_server_addr()) AS host,
           inet_server_port() AS port, current_database() AS db,
           pg_database_size(current_database()) AS bytes`.execute(db)
  const { v, host, port, db: name, bytes } = r.rows[0]
  return {
    dialect: 'postgres',
    version: `PostgreSQL ${v}`,
    location: `postgres://${host ?? 'localhost'}${port ? `:${port}` : ''}/${name}`,
    bytes,
  }
}

/**
 * Writes a backup of the live store to `dest` (a new file). SQLite: the online backup API on
 * the store's own connection (consistent while it keeps serving; its own writes meanwhile are
 * carried into the copy). PostgreSQL: every table copied into a fresh SQLite file of the
 * current schema, read in one REPEATABLE READ snapshot (consistent across nodes that keep
 * writing; nobody is blocked).
 */
export async function backupDatabase(db: Db, dest: string): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await handleOf(db).backup(dest)
    return
  }
  const out = await openSqlite(dest)
  try {
    const order = tablesInCopyOrder(dest)
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (snapshot) => {
        await out.tx((trx) => copyTables(snapshot, trx, order))
      })
  } catch (e) {
    await out.close()
    rmSync(dest, { force: true })
    throw e
  }
  await out.close()
  // The copy's WAL was folded in by close; a backup is one file.
  for (const f of [`${dest}-wal`, `${dest}-shm`]) rmSync(f, { force: true })
}

/**
 * Replaces the live store's data with the backup `file` (checked by checkBackupFile first).
 * SQLite: copied page by page into the live file, then brought to this schema (a backup of an
 * older release). PostgreSQL: the backup is first copied to `scratch` (a path in the data
 * folder, where migration 0004 finds master.key) and brought to this schema there, then every
 * table is replaced in one transaction; a failure leaves the database as it was.
 */
export async function restoreDatabase(db: Db, file: string, scratch: string): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    const before = await licenseRowsVersion(db)
    await copyDatabaseFile(file, handleOf(db).name)
    await migrate(db, 'sqlite')
    // The file's pages were replaced in place, its license rows' version with them: moved past
    // the one before, so a license read before the restore is read again (migration 0015).
    await moveLicenseRowsVersionPast(db, before ?? 0)
    return
  }
  await copyDatabaseFile(file, scratch)
  const src = await openSqlite(scratch)
  try {
    await replaceTables(db, src.db, tablesInCopyOrder(scratch))
  } finally {
    await src.close()
    for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) rmSync(f, { force: true })
  }
}

/**
 * The full integrity check of the live store, as its findings ('ok' alone when sound).
 * SQLite: integrity_check (first 100 findings). PostgreSQL checksums and checks its own pages;
 * what is checked here is that every table reads through to its last row.
 */
export async function integrityCheck(db: Db): Promise<string[]> {
  if (dialectOf(db) === 'sqlite') {
    const rows = await sql<{ integrity_check: string }>`PRAGMA integrity_check(100)`.execute(db)
    return rows.rows.map((r) => r.integrity_check)
  }
  const findings: string[] = []
  for (const t of await db.introspection.getTables()) {
    try {
      await sql`SELECT count(*) FROM ${sql.table(t.name)}`.execute(db)
    } catch (e) {
      findings.push(`${t.name}: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  return findings.length ? findings : ['ok']
}
