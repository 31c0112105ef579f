import type BetterSqlite3 from 'better-sqlite3'

/**
 * Group commit: the writes that arrive within one turn of the event loop share one COMMIT.
 *
 * A COMMIT appends every page the transaction touched to the WAL; for a heartbeat (session and
 * machine rows, an event, their indexes) that was most of its cost. Every caller is answered
 * only after the COMMIT, so an acknowledged write is as durable as one committed alone.
 *
 * Each queued write is still its own unit: one that throws is undone alone and its caller gets
 * the error, the others commit. Undoing needs a SAVEPOINT, which copies every page the write
 * touches aside first, yet nearly every write that throws does so before it changed anything
 * (a refusal is decided before the writes). So a batch first runs without savepoints, watching
 * SQLite's change counter: a write that throws having changed nothing is simply refused; one
 * that throws after changing rows rolls the whole batch back, and the batch runs again with a
 * SAVEPOINT per write. Writes must therefore be safe to run again (they are functions of the
 * database: their results are only handed out after the COMMIT).
 */
export interface GroupCommit {
  /** Runs `write` in the next group transaction; resolves with its result once committed. */
  run<T>(write: () => T): Promise<T>
  /** Statistics: writes committed, COMMITs spent on them, batches run again with savepoints. */
  stats(): { writes: number; commits: number; retries: number }
}

interface Queued {
  write: () => unknown
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

/** Thrown inside the batch transaction to roll it back and run it again with savepoints. */
class PartialWrite extends Error {}

export function createGroupCommit(sqlite: BetterSqlite3.Database): GroupCommit {
  let queue: Queued[] = []
  let writes = 0
  let commits = 0
  let retries = 0
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck()

  /** Runs the batch in one transaction; throws PartialWrite (rolled back) to ask for savepoints. */
  function attempt(batch: Queued[], savepoints: boolean): Outcome[] {
    const outcomes: Outcome[] = []
    sqlite.transaction(() => {
      for (const q of batch) {
        if (savepoints) {
          try {
            // Nested: better-sqlite3 runs it as a SAVEPOINT, rolled back alone when it throws.
            outcomes.push({ ok: true, value: sqlite.transaction(q.write)() })
          } catch (error) {
            outcomes.push({ ok: false, error })
          }
          continue
        }
        const before = totalChanges.get()
        try {
          outcomes.push({ ok: true, value: q.write() })
        } catch (error) {
          if (totalChanges.get() !== before) throw new PartialWrite()
          outcomes.push({ ok: false, error })
        }
      }
    })()
    return outcomes
  }

  function flush(): void {
    // Never nest inside an async (Kysely) transaction someone left open across an await: its
    // rollback would take these writes with it. Try again on the next turn.
    if (sqlite.inTransaction) {
      setImmediate(flush)
      return
    }
    const batch = queue
    queue = []
    let outcomes: Outcome[]
    try {
      try {
        outcomes = attempt(batch, false)
      } catch (e) {
        if (!(e instanceof PartialWrite)) throw e
        retries++
        outcomes = attempt(batch, true)
      }
    } catch (error) {
      // The COMMIT itself failed (disk full, I/O error): nothing of the batch was written.
      for (const q of batch) q.reject(error)
      return
    }
    commits++
    writes += batch.length
    batch.forEach((q, i) => {
      const o = outcomes[i]
      if (o.ok) q.resolve(o.value)
      else q.reject(o.error)
    })
  }

  return {
    run<T>(write: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ write, resolve: resolve as (v: unknown) => void, reject })
        if (queue.length === 1) setImmediate(flush)
      })
    },
    stats: () => ({ writes, commits, retries }),
  }
}
