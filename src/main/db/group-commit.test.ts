import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGroupCommit } from './group-commit'

describe('group commit', () => {
  let dir: string
  let db: Database.Database
  let other: Database.Database
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-group-'))
    db = new Database(join(dir, 'g.db'))
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)')
    // A second connection sees only what was committed.
    other = new Database(join(dir, 'g.db'), { readonly: true })
  })
  afterEach(() => {
    other.close()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const insert = (v: string) => () =>
    Number(db.prepare('INSERT INTO t (v) VALUES (?)').run(v).lastInsertRowid)
  const committed = () =>
    (other.prepare('SELECT v FROM t ORDER BY id').pluck().all() as string[]).join(',')

  it('writes of one event-loop turn share one COMMIT, and each is answered once committed', async () => {
    const g = createGroupCommit(db)
    const seen: string[] = []
    const writes = ['a', 'b', 'c', 'd'].map((v) =>
      g.run(insert(v)).then((id) => {
        // Resolved only after the COMMIT: another connection already reads the row.
        seen.push(`${id}:${committed()}`)
        return id
      }),
    )
    expect(committed()).toBe('')
    expect(await Promise.all(writes)).toEqual([1, 2, 3, 4])
    expect(seen).toEqual(['1:a,b,c,d', '2:a,b,c,d', '3:a,b,c,d', '4:a,b,c,d'])
    expect(g.stats()).toEqual({ writes: 4, commits: 1, retries: 0 })

    await g.run(insert('e'))
    expect(g.stats()).toEqual({ writes: 5, commits: 2, retries: 0 })
  })

  it('rolls back a write that throws alone: its caller gets the error, the others commit', async () => {
    const g = createGroupCommit(db)
    const results = await Promise.allSettled([
      g.run(insert('x')),
      g.run(() => {
        insert('half-done')()
        throw new Error('refused')
      }),
      g.run(insert('x')), // UNIQUE violation
      g.run(insert('y')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused')
    expect((results[2] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(committed()).toBe('x,y')
    // The write that threw after writing made the batch run again, with a savepoint per write.
    expect(g.stats()).toMatchObject({ commits: 1, retries: 1 })
  })

  it('refuses a write that throws before changing anything without running the batch again', async () => {
    const g = createGroupCommit(db)
    let runs = 0
    const counted = (v: string) => () => (runs++, insert(v)())
    const results = await Promise.allSettled([
      g.run(counted('a')),
      g.run(() => {
        throw new Error('refused before writing')
      }),
      g.run(counted('a')), // UNIQUE violation: SQLite undoes the failed statement itself
      g.run(counted('b')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect(committed()).toBe('a,b')
    expect(runs).toBe(3)
    expect(g.stats()).toEqual({ writes: 4, commits: 1, retries: 0 })
  })

  it('waits for a transaction someone left open, so that its rollback cannot take the writes', async () => {
    const g = createGroupCommit(db)
    db.exec('BEGIN')
    db.prepare("INSERT INTO t (v) VALUES ('theirs')").run()
    const mine = g.run(insert('mine'))
    await new Promise((r) => setTimeout(r, 20))
    expect(g.stats().commits).toBe(0)
    db.exec('ROLLBACK')
    await mine
    expect(committed()).toBe('mine')
  })

  it('rejects every write of the batch when the COMMIT itself fails', async () => {
    const g = createGroupCommit(db)
    // A deferred foreign key is checked at COMMIT: the whole transaction is refused there.
    db.exec(`PRAGMA foreign_keys = ON;
      CREATE TABLE child (id INTEGER PRIMARY KEY,
        parent INTEGER REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED)`)
    const results = await Promise.allSettled([
      g.run(insert('kept?')),
      g.run(() => db.prepare('INSERT INTO child (parent) VALUES (999)').run().changes),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(committed()).toBe('')
    expect(db.inTransaction).toBe(false)
    expect(await g.run(insert('after'))).toBeGreaterThan(0)
    expect(committed()).toBe('after')
  })
})
