import { describe, expect, it } from 'vitest'
import { raceTwoWorkers } from '../helpers/outbox-race'
import { onPostgres, openTwoStores } from '../helpers/store'

/**
 * Two stores (two nodes) on one database race their outbox workers over the same events:
 * under KEYWARDEN_TEST_DATABASE_URL two pools on one PostgreSQL database (claims by
 * `FOR UPDATE SKIP LOCKED`), otherwise two connections on one SQLite file.
 */
describe('the webhook outbox with two nodes on one database', () => {
  const events = onPostgres ? 200 : 40

  it(`two workers racing over ${events} events deliver each event exactly once`, async () => {
    const { stores, dir, close } = await openTwoStores()
    try {
      const r = await raceTwoWorkers(stores[0], stores[1], dir, events)
      expect(r.received).toBe(events)
      expect(r.allSigned).toBe(true)
      expect(r.perEvent.size).toBe(events)
      expect([...r.perEvent.values()].every((n) => n === 1)).toBe(true)
      expect(r.rows).toHaveLength(events)
      expect(r.rows.every((x) => x.status === 'delivered' && x.attempts === 1)).toBe(true)
    } finally {
      await close()
    }
  }, 60_000)
})
