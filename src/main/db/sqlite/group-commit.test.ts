import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db, Trx } from '../types'
import { CachingSqliteDialect, statementCache } from './dialect'
import { createGroupCommit, type GroupCommit } from './group-commit'

describe('group commit (ctx.tx on SQLite)', () => {
  let dir: string
  let raw: Database.Database
  let db: Db
  let other: Database.Database
  let g: GroupCommit
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-group-'))
    raw = new Database(join(dir, 'g.db'))
    raw.pragma('journal_mode = WAL')
    raw.pragma('foreign_keys = ON')
    raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)')
    db = new Kysely({
      dialect: new CachingSqliteDialect(raw, statementCache(raw)),
    }) as unknown as Db
    g = createGroupCommit(db, raw)
    // A second connection sees only what was committed.
    other = new Database(join(dir, 'g.db'), { readonly: true })
  })
  afterEach(async () => {
    other.close()
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })
  const insert = (v: string) => async (trx: Trx) => {
    const r = await sql<{ id: number }>`INSERT INTO t (v) VALUES (${v}) RETURNING id`.execute(trx)
    return r.rows[0].id
  }
  const committed = () =>
    (other.prepare('SELECT v FROM t ORDER BY id').pluck().all() as string[]).join(',')

  it('transactions of one event-loop turn share one COMMIT, each answered once committed', async () => {
    const seen: string[] = []
    const units = ['a', 'b', 'c', 'd'].map((v) =>
      g.tx(insert(v)).then((id) => {
        // Resolved only after the COMMIT: another connection already reads the row.
        seen.push(`${id}:${committed()}`)
        return id
      }),
    )
    expect(committed()).toBe('')
    expect(await Promise.all(units)).toEqual([1, 2, 3, 4])
    expect(seen).toEqual(['1:a,b,c,d', '2:a,b,c,d', '3:a,b,c,d', '4:a,b,c,d'])
    expect(g.stats()).toEqual({ writes: 4, commits: 1, retries: 0 })

    await g.tx(insert('e'))
    expect(g.stats()).toEqual({ writes: 5, commits: 2, retries: 0 })
  })

  it('undoes a unit that throws after writing alone: its caller gets the error, the others commit', async () => {
    const runs = { half: 0 }
    const results = await Promise.allSettled([
      g.tx(insert('x')),
      g.tx(async (trx) => {
        runs.half++
        await insert(`half-done-${runs.half}`)(trx)
        throw new Error('refused')
      }),
      g.tx(insert('x')), // UNIQUE violation
      g.tx(insert('y')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused')
    expect((results[2] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(committed()).toBe('x,y')
    // The unit that threw after writing made the batch run again, with a savepoint per unit.
    expect(runs.half).toBe(2)
    expect(g.stats()).toMatchObject({ writes: 4, commits: 1, retries: 1 })
  })

  it('refuses a unit that throws before changing anything without running the batch again', async () => {
    let runs = 0
    const counted = (v: string) => (trx: Trx) => (runs++, insert(v)(trx))
    const results = await Promise.allSettled([
      g.tx(counted('a')),
      g.tx(async () => {
        throw new Error('refused before writing')
      }),
      g.tx(counted('a')), // UNIQUE violation: SQLite undoes the failed statement itself
      g.tx(counted('b')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect(committed()).toBe('a,b')
    expect(runs).toBe(3)
    expect(g.stats()).toEqual({ writes: 4, commits: 1, retries: 0 })
  })

  it('rejects every unit of the batch when the COMMIT itself fails, and commits the next batch', async () => {
    // A deferred foreign key is checked at COMMIT: the whole transaction is refused there.
    raw.exec(`CREATE TABLE child (id INTEGER PRIMARY KEY,
        parent INTEGER REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED)`)
    const results = await Promise.allSettled([
      g.tx(insert('kept?')),
      g.tx((trx) => sql`INSERT INTO child (parent) VALUES (999)`.execute(trx)),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(committed()).toBe('')
    expect(raw.inTransaction).toBe(false)
    expect(await g.tx(insert('after'))).toBeGreaterThan(0)
    expect(committed()).toBe('after')
  })

  it('takes into the batch what arrives while BEGIN waits for another process: one COMMIT', async () => {
    // Another process (`serve --workers N`) holds the write lock.
    const writer = new Database(join(dir, 'g.db'))
    writer.exec('BEGIN IMMEDIATE')
    const first = g.tx(insert('first'))
    // The flush has begun and its BEGIN IMMEDIATE is being refused (SQLITE_BUSY, retried on
    // later turns): the event loop goes on meanwhile, so this timer fires on time.
    const t0 = performance.now()
    await new Promise((r) => setTimeout(r, 20))
    expect(performance.now() - t0).toBeLessThan(1_000)
    const later = [g.tx(insert('later-1')), g.tx(insert('later-2'))]
    writer.exec('COMMIT')
    writer.close()
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3])
    expect(committed()).toBe('first,later-1,later-2')
    expect(g.stats()).toMatchObject({ writes: 3, commits: 1 })
    // The connection's own timeout is back for every other statement.
    expect(raw.pragma('busy_timeout', { simple: true })).toBe(5000)
  })

  it('keeps other queries out of an open batch: they wait for the COMMIT', async () => {
    const unit = g.tx(async (trx) => {
      await insert('inside')(trx)
      // Let the outside query below be issued while this transaction is open.
      await new Promise((r) => setTimeout(r, 20))
      return 'done'
    })
    // Queued behind the batch on the one connection: it reads the committed row, never half.
    await new Promise((r) => setImmediate(r))
    const read = sql<{ v: string }>`SELECT v FROM t`.execute(db)
    expect(await unit).toBe('done')
    expect((await read).rows.map((r) => r.v)).toEqual(['inside'])
  })
})
