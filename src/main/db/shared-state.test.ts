import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from './connection'
import { bumpVersion, readVersion } from './repositories/change-versions'
import { hitWindow } from './repositories/counters'
import { ConsoleSessions } from '../http/console/sessions'
import { SharedWindowCounter } from '../services/security/window'
import { openTwoStores } from '../../../test/helpers/store'

/**
 * The shared-state SQL (counters, change versions, console sessions, brute-force windows) from
 * two stores on one database, two nodes: under KEYWARDEN_TEST_DATABASE_URL two pools on one
 * fresh PostgreSQL database, otherwise two connections on one SQLite file.
 */
describe('shared state, two stores on one database', () => {
  let nodes: Store[] = []
  let close: () => Promise<void>
  const clock = () => new Date('2026-03-01T09:00:00.000Z')

  beforeAll(async () => {
    const two = await openTwoStores()
    nodes = two.stores
    close = two.close
  })
  afterAll(() => close())

  it('counts 100 concurrent hits split over both stores exactly once each', async () => {
    const w = ['2026-03-01T09:00:00.000Z', '2026-03-01T09:01:00.000Z'] as const
    const ns = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        hitWindow(nodes[i % 2].db, 'lic', ...w).then((h) => h.n),
      ),
    )
    expect(ns.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
  })

  it('a version bumped in a transaction on one store is read by the other after commit', async () => {
    const before = await readVersion(nodes[1].db, 'blacklist')
    await nodes[0].tx((trx) => bumpVersion(trx, 'blacklist'))
    expect(await readVersion(nodes[1].db, 'blacklist')).toBe(before + 1)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => nodes[i % 2].tx((trx) => bumpVersion(trx, 'blacklist'))),
    )
    expect(await readVersion(nodes[0].db, 'blacklist')).toBe(before + 21)
  })

  it('console sessions and brute-force windows are shared', async () => {
    const ctxs = nodes.map((s) => ({ db: s.db, clock, tx: s.tx }))
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
