import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consoleData,
  loginConsole,
  startTestServer,
  type ConsoleRpc,
  type TestServer,
} from '../helpers/server'

/**
 * The Security screen's incidents: a brute-force block and the 99 blacklist hits it caused are
 * two incidents from one IP with their counts; routine activations are not security events.
 */
describe('security incidents over the console RPC', () => {
  let s: TestServer
  let rpc: ConsoleRpc
  const token = 'incidents-console-token-123456'

  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: token } })
    rpc = await loginConsole(s, token)
  })
  afterAll(() => s.stop())

  const ok = (channel: string, body?: unknown) => consoleData(rpc, channel, body)

  it('groups a brute-force block and 99 hits by source; routine traffic is left out; unblock is recorded', async () => {
    const p = await ok('products.create', { name: 'Guarded App' })
    const { licenses } = await ok('licenses.bulkCreate', { product_id: p.id, count: 5 })
    for (const [i, l] of licenses.entries()) {
      const act = await s.json('/api/client/activate', {
        body: { license_key: l.license_key, product_id: p.id, hwid: `hw-${i}` },
      })
      expect(act.status).toBe(200)
    }
    const sec = s.runtime.services.security
    // An attacker at 10.0.0.5 guesses 20 keys (the default threshold) and is blocked...
    let block = null
    for (let i = 0; i < 20 && !block; i++) {
      block = await sec.noteFailure({
        ip: '10.0.0.5',
        licenseKey: `GUESS-${i}`,
        reason: 'LICENSE_NOT_FOUND',
      })
    }
    expect(block).toMatchObject({ reason: 'temporary_block', type: 'ip' })
    // ...and keeps knocking: 99 refusals by the block.
    for (let i = 0; i < 99; i++) {
      expect(
        await sec.screen({ ip: '10.0.0.5', licenseKey: licenses[0].license_key }),
      ).toMatchObject({ entry_id: block!.entry_id })
    }

    const incidents = await ok('security.incidents', {})
    expect(incidents).toHaveLength(2)
    const byRule = Object.fromEntries(incidents.map((i: { rule: string }) => [i.rule, i]))
    expect(byRule.blacklist_hit).toMatchObject({
      source_type: 'ip',
      source: '10.0.0.5',
      count: 99,
      blocked: 99,
      severity: 'high',
      block: { entry_id: block!.entry_id, source: 'detection' },
    })
    expect(byRule.brute_force).toMatchObject({
      source_type: 'ip',
      source: '10.0.0.5',
      count: 1,
      block: { entry_id: block!.entry_id },
    })
    expect(byRule.blacklist_hit.first_seen <= byRule.blacklist_hit.last_seen).toBe(true)

    // The overview counts the 100 security events, not the five activations.
    const stats = await ok('security.stats')
    expect(stats.overview.today_events).toBe(100)
    expect(stats.events_by_type.map((t: { type: string }) => t.type).sort()).toEqual([
      'blacklist_hit',
      'brute_force',
    ])
    expect(stats.daily_trend.at(-1).total).toBe(100)

    // Unblock from the incident: the entry goes, the removal is in the log, the IP passes.
    await ok('security.blacklistRemove', { id: byRule.blacklist_hit.block.entry_id })
    expect(await sec.screen({ ip: '10.0.0.5', licenseKey: licenses[0].license_key })).toBeNull()
    const after = await ok('security.incidents', {})
    expect(after.every((i: { block: unknown }) => i.block === null)).toBe(true)
    const removed = await ok('events.recent', { limit: 50 })
    expect(removed).toContainEqual(
      expect.objectContaining({
        type: 'security.blacklist_removed',
        details: expect.objectContaining({ entry_id: block!.entry_id, value: '10.0.0.5' }),
      }),
    )
  })

  it('allow-lists an incident’s source: the block is lifted and detection leaves it alone', async () => {
    const sec = s.runtime.services.security
    const guess = (i: number) =>
      sec.noteFailure({ ip: '10.0.0.9', licenseKey: `ALLOW-${i}`, reason: 'LICENSE_NOT_FOUND' })
    let block = null
    for (let i = 0; i < 20 && !block; i++) block = await guess(i)
    expect(block).toMatchObject({ type: 'ip' })

    expect(await ok('security.allowSource', { type: 'ip', value: '10.0.0.9' })).toEqual({
      allowlisted: true,
      unblocked: true,
    })
    const incident = (await ok('security.incidents', {})).find(
      (i: { rule: string; source: string }) => i.rule === 'brute_force' && i.source === '10.0.0.9',
    )
    expect(incident).toMatchObject({ allowlisted: true, block: null })
    expect(await sec.screen({ ip: '10.0.0.9' })).toBeNull()
    // Another sweep from the allow-listed address: no new block.
    for (let i = 100; i < 140; i++) expect(await guess(i)).toBeNull()
    expect((await ok('security.settings')).allowlist.ips).toEqual(['10.0.0.9'])
    const log = await ok('events.recent', { limit: 20 })
    expect(log).toContainEqual(
      expect.objectContaining({
        type: 'security.allowlisted',
        details: { type: 'ip', value: '10.0.0.9', unblocked: true },
      }),
    )
    // Only IPs and HWIDs are allow-listed.
    const bad = await rpc('security.allowSource', { type: 'license', value: 'X' })
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } })
  })

  it('refuses a bad range with a validation error', async () => {
    const r = await rpc('security.incidents', { days: 0 })
    expect(r.body).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } })
  })
})
