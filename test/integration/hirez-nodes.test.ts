import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../src/main/services'
import { CONSOLE } from '../../src/main/services/context'
import { hirezSignature, hirezTimestamp } from '../../src/main/services/hirez/signature'
import type { SignedCall } from '../../src/main/services/hirez'
import { openTwoStores } from '../helpers/store'

/**
 * Issue 15: several nodes share one database, so Hi-Rez sessions and daily counters are in it.
 * Two service stacks on one database (two pools on one PostgreSQL under the switch) stand for
 * two nodes behind a load balancer.
 */
describe('Hi-Rez sessions and quotas across two nodes', () => {
  let a: Services
  let b: Services
  let close: () => Promise<void>
  const now = new Date('2026-12-01T18:30:05Z')

  beforeEach(async () => {
    const two = await openTwoStores()
    close = two.close
    a = createServices({ store: two.stores[0], dataDir: two.dir, clock: () => now })
    b = createServices({ store: two.stores[1], dataDir: two.dir, clock: () => now })
  })
  afterEach(() => close())

  const signed = (devId: number, key: string, method: string, session?: string): SignedCall => {
    const timestamp = hirezTimestamp(now)
    return {
      method,
      devId: String(devId),
      signature: hirezSignature(devId, method, key, timestamp),
      timestamp,
      session,
    }
  }
  const reason = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: { details?: { reason?: string } }) => e.details?.reason,
    )

  it('a session made on node A works on node B; a revoke on B ends it on A', async () => {
    const d = await a.hirez.credentials.create(CONSOLE, { name: 'p' })
    const auth = await b.hirez.access.authenticate(signed(d.dev_id, d.auth_key, 'createsession'))
    const { sessionId } = await b.hirez.access.createSession(auth)
    const call = signed(d.dev_id, d.auth_key, 'getdataused', sessionId)
    expect(await reason(a.hirez.access.authenticate(call))).toBe('accepted')
    await b.hirez.credentials.revoke(CONSOLE, d.dev_id)
    expect(await reason(a.hirez.access.authenticate(call))).toBe('developer_revoked')
  })

  it('the concurrent-session and daily-request limits hold across nodes', async () => {
    const d = await a.hirez.credentials.create(CONSOLE, {
      name: 'p',
      limits: { concurrent_sessions: 1, daily_requests: 4 },
    })
    const create = (s: Services) =>
      s.hirez.access
        .authenticate(signed(d.dev_id, d.auth_key, 'createsession'))
        .then((auth) => s.hirez.access.createSession(auth))
    // Both nodes at once: one session, one refusal.
    const outcomes = await Promise.all([reason(create(a)), reason(create(b))])
    expect(outcomes.sort()).toEqual(['accepted', 'concurrent_sessions'])
    // Two requests so far (one per node); two more are allowed, on either node.
    const ping = signed(d.dev_id, d.auth_key, 'gethirezserverstatus', 'x')
    expect(await reason(a.hirez.access.authenticate(ping))).toBe('session_invalid')
    expect(await reason(b.hirez.access.authenticate(ping))).toBe('session_invalid')
    expect(await reason(a.hirez.access.authenticate(ping))).toBe('daily_requests')
    const listed = await b.hirez.credentials.get(CONSOLE, d.dev_id)
    expect(listed.usage).toMatchObject({ active_sessions: 1, sessions_today: 1, requests_today: 5 })
  })
})
