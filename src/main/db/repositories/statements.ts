import type BetterSqlite3 from 'better-sqlite3'

/**
 * Prepared better-sqlite3 statements for the client hot path (validate/activate/heartbeat),
 * compiled once per connection. Kysely would rebuild and recompile each query per call.
 */
const caches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>()

export function stmt(sqlite: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = caches.get(sqlite)
  if (!cache) caches.set(sqlite, (cache = new Map()))
  let s = cache.get(sql)
  if (!s) cache.set(sql, (s = sqlite.prepare(sql)))
  return s
}
