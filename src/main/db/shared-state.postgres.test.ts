import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Database } from './schema'
import type { TxRunner } from './types'
import * as m0006 from './migrations/0006_shared_state'
import { bumpVersion, readVersion } from './repositories/change-versions'
import { hitWindow } from './repositories/counters'
import { ConsoleSessions } from '../http/console/sessions'
import { SharedWindowCounter } from '../services/security/window'

/**
 * The shared-state SQL on a real PostgreSQL server, from two connection pools (two nodes),
 * before the whole suite can run there: `KEYWARDEN_TEST_POSTGRES_URL` names an empty
 * database (dropped tables are recreated). Only the 0006 tables are created, by 0006's
 * postgres body.
 */
const url = process.env.KEYWARDEN_TEST_POSTGRES_URL

describe.skipIf(!url)('shared state on PostgreSQL, two pools', () => {
  let nodes: Kysely<Database>[] = []
  const clock = () => new Date('2026-03-01T09:00:00.000Z')

  beforeAll(async () => {
    nodes = [0, 1].map(
      () =>
        new Kysely<Database>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 8 }) }),
        }),
    )
    for (const t of ['console_sessions', 'change_versions', 'counters', 'window_members']) {
      await sql`drop table if exists ${sql.table(t)}`.execute(nodes[0])
    }
    await m0006.postgres.up(nodes[0])
  })
  afterAll(async () => {
    for (const n of nodes) await n.destroy()
  })

  it('counts 100 concurrent hits split over both pools exactly once each', async () => {
    const w = ['2026-03-01T09:00:00.000Z', '2026-03-01T09:01:00.000Z'] as const
    const ns = await Promise.all(
      Array.from({ length: 100 }, (_, i) => hitWindow(nodes[i % 2], 'lic', ...w).then((h) => h.n)),
    )
    expect(ns.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
  })

  it('a version bumped in a transaction on one pool is read by the other after commit', async () => {
    const before = await readVersion(nodes[1], 'blacklist')
    await nodes[0].transaction().execute((trx) => bumpVersion(trx, 'blacklist'))
    expect(await readVersion(nodes[1], 'blacklist')).toBe(before + 1)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        nodes[i % 2].transaction().execute((trx) => bumpVersion(trx, 'blacklist')),
      ),
    )
    expect(await readVersion(nodes[0], 'blacklist')).toBe(before + 21)
  })

  it('console sessions and brute-force windows are shared', async () => {
    const ctxs = nodes.map((db) => ({
      db,
      clock,
      tx: ((work) => db.transaction().execute(work)) as TxRunner,
    }))
    const [onA, onB] = ctxs.map((c) => new ConsoleSessions(c))
    const s = await onA.create({ kind: 'console' })
    expect(await onB.get(s.id)).toMatchObject({ csrf: s.csrf })
    await onA.delete(s.id)
    expect(await onB.get(s.id)).toBeUndefined()

    const [fa, fb] = ctxs.map((c) => new SharedWindowCounter(c))
    const t = clock().getTime()
    await fa.add('ip\u00001.2.3.4', 'K1', t, 300_000)
    await fb.add('ip\u00001.2.3.4', 'K2', t, 300_000)
    expect(await fa.add('ip\u00001.2.3.4', 'K1', t, 300_000)).toBe(2)
    await fb.reset('ip\u00001.2.3.4')
    expect(await fa.add('ip\u00001.2.3.4', 'K3', t, 300_000)).toBe(1)
  })
})
