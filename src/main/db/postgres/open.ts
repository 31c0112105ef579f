import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../schema'
import type { Store } from '../connection'
import { migrate } from '../connection'
import type { Trx } from '../types'

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target)
}

/** The URL as it may be shown (logs, status): without its password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://(unparsable URL)'
  }
}

// COUNT(*) and BIGINT columns come back as numbers, as on SQLite (no value here nears 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v))

/** Serialization failure, deadlock: the transaction did nothing and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01'])
const ATTEMPTS = 8

export async function openPostgres(url: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 16 })
  // An idle connection the server ends (restart, failover, an admin's pg_terminate_backend) is
  // an 'error' on the pool, which would end the process unheard: the pool drops that connection
  // and opens another on the next query, so one line is all it takes.
  pool.on('error', (e) => console.warn(`PostgreSQL connection lost (${e.message}); reconnecting`))
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const migrationsRun = await migrate(db, 'postgres')
  let writes = 0
  let retries = 0
  async function tx<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await db.transaction().execute(work)
        writes++
        return value
      } catch (e) {
        const code = (e as { code?: string }).code
        if (!code || !RETRYABLE.has(code) || attempt >= ATTEMPTS) throw e
        retries++
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt))
      }
    }
  }
  return {
    dialect: 'postgres',
    db,
    tx,
    write: (work) => work(db),
    changes: { mark: () => null, shared: true },
    file: redactedUrl(url),
    stats: () => ({ writes, commits: writes, retries }),
    checkpointer: null,
    migrationsRun,
    poolStats: () => ({
      connections: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    // Each transaction is its own COMMIT: no batches to report.
    onCommitBatch: () => () => {},
    async close() {
      await db.destroy()
    },
  }
}
