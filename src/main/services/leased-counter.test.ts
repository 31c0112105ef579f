import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../db/connection'
import { openTwoStores } from '../../../test/helpers/store'
import { createSharedRateLimiter } from './licensing/ratelimit'
import { LEASE_PARTS } from './leased-counter'

/**
 * The per-license validate limit as two processes on one database count it (two stores on one
 * SQLite file, or two pools on one PostgreSQL database under KEYWARDEN_TEST_DATABASE_URL).
 */
describe('the shared validate limit, by leases', () => {
  let stores: Store[] = []
  let close: () => Promise<void>
  let now = Date.parse('2026-03-01T09:00:00.000Z')
  let writes = 0

  beforeAll(async () => {
    const two = await openTwoStores()
    stores = two.stores
    close = two.close
  })
  afterAll(() => close())

  /** The limiter of each of the two processes, counting the writes they make. */
  const limiters = () =>
    stores.map((s) =>
      createSharedRateLimiter({
        db: s.db,
        clock: () => new Date(now),
        write: ((work: never) => {
          writes++
          return s.write(work)
        }) as Store['write'],
        changes: { ...s.changes, shared: true },
      }),
    )

  it('lets exactly the limit through when it is under LEASE_PARTS (a write per hit)', async () => {
    const [a, b] = limiters()
    writes = 0
    const hits = []
    for (let i = 0; i < 10; i++) hits.push(await (i % 2 ? b : a).hit('key-small', 5))
    expect(hits.filter((h) => h === null)).toHaveLength(5)
    const refused = hits.filter((h) => h !== null)
    expect(refused).toHaveLength(5)
    // One first refusal across both processes (logged once), each with its retry time.
    expect(refused.filter((h) => h!.first)).toHaveLength(1)
    expect(refused.every((h) => h!.retryAfter >= 1 && h!.retryAfter <= 60)).toBe(true)
  })

  it('never passes more than the limit, refuses early at most one grant less one, and writes once a grant', async () => {
    const [a, b] = limiters()
    const perMinute = 640
    const grant = perMinute / LEASE_PARTS
    writes = 0
    let passed = 0
    // Bursts of 20 concurrent hits, alternating between the processes, 1,000 hits in all.
    for (let burst = 0; burst < 50; burst++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).hit('key-big', perMinute)),
      )
      passed += answers.filter((h) => h === null).length
    }
    expect(passed).toBeLessThanOrEqual(perMinute)
    expect(passed).toBeGreaterThanOrEqual(perMinute - (grant - 1))
    // Far fewer writes than hits: about one a grant while it passes, none once refused.
    expect(writes).toBeLessThan(1000 / 4)
  })

  it('opens the window again after a minute, and a changed limit takes effect at once', async () => {
    const [a, b] = limiters()
    for (let i = 0; i < 3; i++) await a.hit('key-window', 3)
    expect(await b.hit('key-window', 3)).not.toBeNull()
    expect(await a.hit('key-window', 3)).not.toBeNull()
    // The vendor raises the limit: the next hit asks the counter again.
    expect(await a.hit('key-window', 10)).toBeNull()
    now += 60_000
    expect(await b.hit('key-window', 3)).toBeNull()
  })
})
