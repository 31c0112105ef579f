import type BetterSqlite3 from 'better-sqlite3'

/**
 * Group commit: the writes that arrive within one turn of the event loop share one COMMIT.
 *
 * A COMMIT appends every page the transaction touched to the WAL; for a heartbeat (session,
 * machine, challenge rows and their indexes) that is most of its cost. Each queued write still
 * runs as its own unit, inside a SAVEPOINT: a write that throws is rolled back alone and its
 * caller gets the error, the others commit. Every caller is answered only after the COMMIT, so
 * an acknowledged write is as durable as one committed alone.
 */
export interface GroupCommit {
  /** Runs `write` in the next group transaction; resolves with its result once committed. */
  run<T>(write: () => T): Promise<T>
  /** Statistics: writes committed and COMMITs spent on them. */
  stats(): { writes: number; commits: number }
}

interface Queued {
  write: () => unknown
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
}

export function createGroupCommit(sqlite: BetterSqlite3.Database): GroupCommit {
  let queue: Queued[] = []
  let writes = 0
  let commits = 0

  function flush(): void {
    // Never nest inside an async (Kysely) transaction someone left open across an await: its
    // rollback would take these writes with it. Try again on the next turn.
    if (sqlite.inTransaction) {
      setImmediate(flush)
      return
    }
    const batch = queue
    queue = []
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    try {
      sqlite.transaction(() => {
        for (const q of batch) {
          try {
            // Nested: better-sqlite3 runs it as a SAVEPOINT, rolled back alone when it throws.
            outcomes.push({ ok: true, value: sqlite.transaction(q.write)() })
          } catch (error) {
            outcomes.push({ ok: false, error })
          }
        }
      })()
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
    stats: () => ({ writes, commits }),
  }
}
