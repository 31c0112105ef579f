import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqlite } from './open'
import type { Store } from '../connection'
import type { Executor } from '../types'
import { prepared } from '../prepared'

// A hot-path statement as the repositories write them (prepared: the direct runner's door).
const setting = prepared((ex: Executor, key: string) =>
  ex.selectFrom('settings').select('value').where('key', '=', key),
)
const valueOf = async (ex: Executor, key: string) => (await setting(ex, key)).rows[0]?.value

describe('hot statements straight on the SQLite connection (direct.ts)', () => {
  let dir: string
  let store: Store
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-direct-'))
    store = await openSqlite(join(dir, 'k.db'))
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers on the database at once when no transaction is open', async () => {
    await sql`INSERT INTO settings (key, value, updated_at) VALUES ('a', '"1"', '2026-12-02')`.execute(
      store.db,
    )
    expect(await valueOf(store.db, 'a')).toBe('"1"')
  })

  it('sees the transaction’s own uncommitted rows inside it', async () => {
    const seen = await store.tx(async (trx) => {
      await sql`INSERT INTO settings (key, value, updated_at) VALUES ('b', '"2"', '2026-12-02')`.execute(
        trx,
      )
      return valueOf(trx, 'b')
    })
    expect(seen).toBe('"2"')
  })

  it('never reads another transaction’s uncommitted rows: waits for it, then sees what it left', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let inserted!: () => void
    const didInsert = new Promise<void>((r) => (inserted = r))
    const tx = store
      .tx(async (trx) => {
        await sql`INSERT INTO settings (key, value, updated_at) VALUES ('c', '"3"', '2026-12-02')`.execute(
          trx,
        )
        inserted()
        await held // the connection stays in the open transaction meanwhile
        throw new Error('rolled back')
      })
      .catch((e: Error) => e.message)
    await didInsert
    let answered = false
    const read = valueOf(store.db, 'c').then((v) => ((answered = true), v))
    await new Promise((r) => setTimeout(r, 20))
    // Run straight on the connection it would have answered '"3"' by now, a row never committed.
    expect(answered).toBe(false)
    release()
    expect(await tx).toBe('rolled back')
    expect(await read).toBeUndefined()
  })
})
