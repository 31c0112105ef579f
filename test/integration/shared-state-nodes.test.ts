import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Store } from '../../src/main/db/connection'
import { createServices, type Services } from '../../src/main/services'
import { CONSOLE } from '../../src/main/services/context'
import { ConsoleSessions } from '../../src/main/http/console/sessions'
import { blockIpSchema } from '@shared/channels/security'
import { SQLITE_FOREIGN_WRITE_MS } from '../../src/main/services/settings/versions'
import { SETTINGS_STALE_MS } from '../../src/main/services/settings'
import { openTwoStores } from '../helpers/store'

/**
 * Two service stacks on ONE database stand for two nodes behind a load balancer: what one
 * decides, the other must see at its next request, without a restart or a cache expiry.
 * (Two stores on one SQLite file are two connections that see each other's commits only
 * through the database, as two PostgreSQL nodes do; under KEYWARDEN_TEST_DATABASE_URL they are
 * two pools on one fresh PostgreSQL database.) On SQLite, where one process owns the
 * database in production, another process's write is noticed within SQLITE_FOREIGN_WRITE_MS,
 * so the tests move the monotonic clock past it (`later()`); on PostgreSQL nothing waits
 * (settings, read at most once per SETTINGS_STALE_MS, wait that long on both).
 */
describe('two nodes on one database', () => {
  let stores: Store[]
  let close: () => Promise<void>
  let a: Services
  let b: Services
  const now = Date.parse('2026-03-01T09:00:00.000Z')

  const later = () => {
    if (stores[0].dialect === 'sqlite') vi.advanceTimersByTime(SQLITE_FOREIGN_WRITE_MS)
  }

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    const two = await openTwoStores()
    const [first, second] = two.stores
    const dir = two.dir
    stores = two.stores
    close = two.close
    a = createServices({ store: first, dataDir: dir, clock: () => new Date(now) })
    b = createServices({ store: second, dataDir: dir, clock: () => new Date(now) })
  })
  afterEach(async () => {
    vi.useRealTimers()
    await close()
  })

  it('a ban made on node A refuses on node B at its next request', async () => {
    // B has loaded (and cached) the blacklist before the ban.
    expect(await b.security.screen({ ip: '198.51.100.7' })).toBeNull()
    await a.security.blockIp(CONSOLE, blockIpSchema.parse({ ip: '198.51.100.7', reason: 'abuse' }))
    later()
    expect(await b.security.screen({ ip: '198.51.100.7' })).toMatchObject({
      reason: 'blacklist_hit',
      type: 'ip',
    })
    // And lifting it on B lets the client in on A again.
    const entries = await b.security.listBlacklist(CONSOLE, {
      page: 1,
      limit: 10,
    } as Parameters<Services['security']['listBlacklist']>[1])
    await b.security.setBlacklistActive(CONSOLE, entries.items[0].id, false)
    later()
    expect(await a.security.screen({ ip: '198.51.100.7' })).toBeNull()
  })

  it('a console session logged out on node A is refused on node B', async () => {
    const onA = new ConsoleSessions(a.ctx)
    const onB = new ConsoleSessions(b.ctx)
    const s = await onA.create({ kind: 'console' })
    expect(await onB.get(s.id)).toMatchObject({ csrf: s.csrf, actor: { kind: 'console' } })
    await onA.delete(s.id)
    expect(await onB.get(s.id)).toBeUndefined()
    // An account's sessions end everywhere when it logs out everywhere (password change).
    const acct = { kind: 'account' as const, accountId: 'acc-1', role: 'admin' as const }
    const t = await onB.create(acct)
    await onA.endAccount('acc-1')
    expect(await onB.get(t.id)).toBeUndefined()
  })

  it('brute-force failures seen by both nodes add up to one detection', async () => {
    // The default threshold: 20 distinct failed keys from one IP within the window.
    for (let i = 0; i < 10; i++) {
      expect(
        await a.security.noteFailure({
          ip: '203.0.113.9',
          licenseKey: `A-${i}`,
          reason: 'LICENSE_NOT_FOUND',
        }),
      ).toBeNull()
      if (i < 9) {
        expect(
          await b.security.noteFailure({
            ip: '203.0.113.9',
            licenseKey: `B-${i}`,
            reason: 'LICENSE_NOT_FOUND',
          }),
        ).toBeNull()
      }
    }
    // The 20th distinct key, on B: neither node alone has seen more than 10.
    expect(
      await b.security.noteFailure({
        ip: '203.0.113.9',
        licenseKey: 'B-9',
        reason: 'LICENSE_NOT_FOUND',
      }),
    ).toMatchObject({ reason: 'temporary_block', type: 'ip' })
    // The block is a blacklist entry: A refuses the caller too.
    later()
    expect(await a.security.screen({ ip: '203.0.113.9' })).toMatchObject({
      reason: 'temporary_block',
    })
  })

  it('a settings change made on node A applies on node B within SETTINGS_STALE_MS', async () => {
    expect((await b.settings.get()).registration_open).toBe(false)
    await a.settings.update(CONSOLE, { registration_open: true })
    // Settings may be SETTINGS_STALE_MS old on either dialect (a ban may not, see above).
    vi.advanceTimersByTime(SETTINGS_STALE_MS)
    expect((await b.settings.get()).registration_open).toBe(true)
  })
})
