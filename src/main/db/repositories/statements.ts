import type BetterSqlite3 from 'better-sqlite3'

/**
 * @deprecated Prepared better-sqlite3 statements on the raw handle, for the repositories not yet
 * on Kysely (issue #13). The client hot path now builds each query once per dialect instead
 * (db/prepared.ts) and runs it through the dialect's statement cache.
 */
const caches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>()

export function stmt(sqlite: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = caches.get(sqlite)
  if (!cache) caches.set(sqlite, (cache = new Map()))
  let s = cache.get(sql)
  if (!s) cache.set(sql, (s = sqlite.prepare(sql)))
  return s
}
