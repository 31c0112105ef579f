import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { changeMarker, DATA_VERSION_REUSE_MS } from './change-mark'

describe('the SQLite change mark', () => {
  let dir: string
  let own: Database.Database
  let other: Database.Database
  let mark: () => string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-mark-'))
    own = new Database(join(dir, 'm.db'))
    own.pragma('journal_mode = WAL')
    own.exec('CREATE TABLE t (v TEXT)')
    other = new Database(join(dir, 'm.db'))
    mark = changeMarker(own)
  })
  afterEach(() => {
    other.close()
    own.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('stays equal while nothing is written, and moves at once on a write of its own', () => {
    const a = mark()
    expect(mark()).toBe(a)
    own.prepare("INSERT INTO t VALUES ('x')").run()
    expect(mark()).not.toBe(a)
  })

  it('moves for a write later rolled back (the row read before may have been replaced meanwhile)', () => {
    const a = mark()
    own.exec("BEGIN; INSERT INTO t VALUES ('x'); ROLLBACK")
    expect(mark()).not.toBe(a)
  })

  it("sees another connection's commit inside the transaction that decides, however recent", () => {
    const before = mark() // outside a transaction: may reuse the remembered data_version
    other.prepare("INSERT INTO t VALUES ('y')").run()
    own.exec('BEGIN')
    try {
      expect(mark()).not.toBe(before)
    } finally {
      own.exec('COMMIT')
    }
  })

  it("sees another connection's commit outside a transaction once the reuse window passed", async () => {
    const before = mark()
    other.prepare("INSERT INTO t VALUES ('z')").run()
    await new Promise((r) => setTimeout(r, DATA_VERSION_REUSE_MS + 20))
    expect(mark()).not.toBe(before)
  })
})
