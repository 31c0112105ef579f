import type BetterSqlite3 from 'better-sqlite3'
import { sql } from 'kysely'
import type { Db, Trx, TxRunner } from '../types'

/**
 * `ctx.tx` on SQLite: the transactions that arrive within one turn of the event loop share one
 * COMMIT (group commit).
 *
 * A COMMIT appends every page the transaction touched to the WAL; for a heartbeat (session and
 * machine rows, an event, their indexes) that was most of its cost. Every caller is answered
 * only after the COMMIT, so an acknowledged write is as durable as one committed alone.
 *
 * Each queued transaction is still its own unit: one that throws is undone alone and its caller
 * gets the error, the others commit. Undoing needs a SAVEPOINT, which copies every page the
 * work touches aside first, yet nearly every one that throws does so before it changed anything
 * (a refusal is decided before the writes). So a batch first runs without savepoints, watching
 * SQLite's change counter: work that throws having changed nothing is simply refused; work that
 * throws after changing rows rolls the whole batch back, and the batch runs again with a
 * SAVEPOINT per unit. Work must therefore be safe to run again (TxRunner says so for every
 * dialect: PostgreSQL runs it again after a serialization failure).
 */
export interface GroupCommit {
  tx: TxRunner
  /** Statistics: units committed, COMMITs spent on them, batches run again with savepoints. */
  stats(): { writes: number; commits: number; retries: number }
}

interface Queued {
  work: (trx: Trx) => Promise<unknown>
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

/** Thrown inside the batch transaction to roll it back and run it again with savepoints. */
class PartialWrite extends Error {}

/** `onBatch`: told each committed batch's size (metrics; the db code knows no metrics library). */
export function createGroupCommit(
  db: Db,
  sqlite: BetterSqlite3.Database,
  onBatch: (size: number) => void = () => {},
): GroupCommit {
  let queue: Queued[] = []
  let flushing = false
  let writes = 0
  let commits = 0
  let retries = 0
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck()

  /**
   * Runs the batch in one transaction; throws PartialWrite (rolled back) to ask for savepoints.
   * `take` hands the batch over once the transaction has begun (see flush).
   */
  async function attempt(take: () => Queued[], savepoints: boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = []
    await db.transaction().execute(async (trx) => {
      for (const q of take()) {
        if (savepoints) {
          await sql`SAVEPOINT unit`.execute(trx)
          try {
            outcomes.push({ ok: true, value: await q.work(trx) })
            await sql`RELEASE unit`.execute(trx)
          } catch (error) {
            await sql`ROLLBACK TO unit`.execute(trx)
            await sql`RELEASE unit`.execute(trx)
            outcomes.push({ ok: false, error })
          }
          continue
        }
        // The connection is ours alone until the COMMIT (Kysely's connection mutex), so the
        // counter moves only for this unit's statements.
        const before = totalChanges.get()
        try {
          outcomes.push({ ok: true, value: await q.work(trx) })
        } catch (error) {
          if (totalChanges.get() !== before) throw new PartialWrite()
          outcomes.push({ ok: false, error })
        }
      }
    })
    return outcomes
  }

  async function flush(): Promise<void> {
    flushing = true
    // The batch is what is queued once BEGIN IMMEDIATE has the write lock, not when the flush
    // started: with `serve --workers N` the BEGIN may wait for another process's transaction,
    // and what arrives meanwhile joins this COMMIT instead of waiting for the lock again after
    // it (each process then takes the lock fewer times, for more work each time). A run again
    // with savepoints takes the same batch.
    let batch: Queued[] | null = null
    const take = () => {
      if (batch === null) {
        batch = queue
        queue = []
      }
      return batch
    }
    let outcomes: Outcome[]
    try {
      try {
        outcomes = await attempt(take, false)
      } catch (e) {
        if (!(e instanceof PartialWrite)) throw e
        retries++
        outcomes = await attempt(take, true)
      }
      batch = take()
      commits++
      writes += batch.length
      onBatch(batch.length)
      batch.forEach((q, i) => {
        const o = outcomes[i]
        if (o.ok) q.resolve(o.value)
        else q.reject(o.error)
      })
    } catch (error) {
      // BEGIN or the COMMIT failed (the lock never came, disk full, I/O error): nothing of the
      // batch was written (a BEGIN that failed took none: the queue's units are its batch).
      for (const q of take()) q.reject(error)
    } finally {
      flushing = false
      // What arrived while this batch ran is the next batch.
      if (queue.length > 0) setImmediate(() => void flush())
    }
  }

  return {
    tx<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({
          work,
          resolve: resolve as (v: unknown) => void,
          reject,
        })
        if (queue.length === 1 && !flushing) setImmediate(() => void flush())
      })
    },
    stats: () => ({ writes, commits, retries }),
  }
}
