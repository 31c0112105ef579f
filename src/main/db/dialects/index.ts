import { PostgresAdapter } from 'kysely'
import type { DialectName, Executor } from '../types'
import * as sqlite from './sqlite'
import * as postgres from './postgres'

/**
 * The SQL that differs between dialects (search, replay guard, change feed, upserts, JSON,
 * dates, locks), one file per dialect with the same exports. Repositories ask for the pack of
 * the executor they were given: `dialectSql(ex).something(...)`.
 */
export type DialectSql = typeof sqlite

// Both files must export the same functions with the same types.
const packs: Record<DialectName, DialectSql> = { sqlite, postgres: postgres satisfies DialectSql }

export function dialectOf(ex: Executor): DialectName {
  return ex.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'
}

export function dialectSql(ex: Executor): DialectSql {
  return packs[dialectOf(ex)]
}
