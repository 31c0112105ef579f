import type BetterSqlite3 from 'better-sqlite3'
import type { Db } from '../types'

/**
 * The better-sqlite3 connection behind a SQLite store's Kysely instance, for the few things
 * only the driver can do (the online backup API). Registered by openSqlite; nothing outside
 * src/main/db/ sees it.
 */
const handles = new WeakMap<Db, BetterSqlite3.Database>()

export function registerHandle(db: Db, sqlite: BetterSqlite3.Database): void {
  handles.set(db, sqlite)
}

export function handleOf(db: Db): BetterSqlite3.Database {
  const h = handles.get(db)
  if (!h) throw new Error('not a SQLite store opened by openSqlite (or a transaction of one)')
  return h
}
