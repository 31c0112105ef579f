import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { handleOf } from './handles'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore } from '../connection'
import { startCheckpointer } from './checkpointer'
import { onPostgres } from '../../../../test/helpers/store'

/** Polls `cond` until it holds; gives up (returning false) after a bounded number of tries. */
async function eventually(cond: () => boolean, tries = 400): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return true
    await new Promise((r) => setTimeout(r, 25))
  }
  return cond()
}

// SQLite's WAL and its checkpointer: nothing of it exists on PostgreSQL (the file stays SQLite).
describe.skipIf(onPostgres)('WAL checkpoint worker (SQLite only)', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-ckpt-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('copies committed WAL pages into the database file off the main connection', async () => {
    const file = join(dir, 'k.db')
    const store = await openStore(file)
    try {
      // The main connection only checkpoints itself as a safety net, far above what we write here.
      expect(handleOf(store.db).pragma('wal_autocheckpoint', { simple: true })).toBe(10_000)
      expect(store.checkpointer?.running()).toBe(true)
      await eventually(() => (store.checkpointer?.stats().runs ?? 0) > 0)
      const before = statSync(file).size

      handleOf(store.db).exec('CREATE TABLE bulk (id INTEGER PRIMARY KEY, data BLOB NOT NULL)')
      const insert = handleOf(store.db).prepare('INSERT INTO bulk (data) VALUES (randomblob(4000))')
      handleOf(store.db).transaction(() => {
        for (let i = 0; i < 500; i++) insert.run()
      })()
      // Committed rows first live only in the -wal file; the worker copies them over.
      const grown = await eventually(() => statSync(file).size >= before + 500 * 4000)
      expect(grown).toBe(true)
      const s = store.checkpointer!.stats()
      expect(s.log).toBeGreaterThan(0)
      expect(s.checkpointed).toBe(s.log)
    } finally {
      await store.close()
    }
  })

  it('close() stops the worker before truncating the WAL; data survives a reopen', async () => {
    const file = join(dir, 'k.db')
    const a = await openStore(file)
    handleOf(a.db).exec('CREATE TABLE notes (body TEXT NOT NULL)')
    handleOf(a.db).prepare('INSERT INTO notes (body) VALUES (?)').run('kept')
    await a.close()
    expect(a.checkpointer?.running()).toBe(false)
    // TRUNCATE ran with the WAL to itself: nothing is left in it.
    expect(statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0)

    const b = await openStore(file)
    try {
      expect(handleOf(b.db).prepare('SELECT body FROM notes').pluck().all()).toEqual(['kept'])
      expect(b.checkpointer?.running()).toBe(true)
    } finally {
      await b.close()
    }
    // The file is free again: it can be removed and a fresh store opened at the same path.
    rmSync(file)
    const c = await openStore(file)
    expect(
      handleOf(c.db).prepare(`SELECT name FROM sqlite_master WHERE name = 'notes'`).get(),
    ).toBe(undefined)
    await c.close()
  })

  it('has no worker for an in-memory store, which keeps the default autocheckpoint', async () => {
    const store = await openStore(':memory:')
    expect(store.checkpointer).toBeNull()
    await store.close()
  })

  it('reports a worker that dies once, so the caller can fall back', async () => {
    const failures: unknown[] = []
    const cp = startCheckpointer(join(dir, 'missing.db'), {
      onFailure: (err) => failures.push(err),
    })
    expect(await eventually(() => !cp.running())).toBe(true)
    await cp.stop()
    expect(failures).toHaveLength(1)
    expect(String(failures[0])).toMatch(/unable to open|does not exist|SQLITE_CANTOPEN/i)
  })
})
