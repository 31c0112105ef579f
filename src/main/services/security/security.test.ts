import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../../db/connection'
import { openTestStore } from '../../../../test/helpers/store'
import { createServices, type Services } from '..'
import { CONSOLE } from '../context'
import {
  addBlacklistSchema,
  blockHwidSchema,
  blockIpSchema,
  listBlacklistSchema,
  listSecurityEventsSchema,
} from '@shared/channels/security'
import { implausibleHwid } from './hwid'

describe('security service over a real store', () => {
  let dir: string
  let store: Store
  let s: Services
  let now = Date.parse('2026-01-10T12:00:00.000Z')
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-sec-'))
    store = await openTestStore(join(dir, 'kw.db'))
    now = Date.parse('2026-01-10T12:00:00.000Z')
    s = createServices({ store, dataDir: dir, clock: () => new Date(now) })
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('blocks a blacklisted IP (also as ::ffff:) and records one blacklist_hit per blocked request', async () => {
    expect(await s.security.screen({ ip: '10.0.0.5' })).toBeNull()
    await s.security.blockIp(CONSOLE, blockIpSchema.parse({ ip: '10.0.0.5', reason: 'test' }))
    const block = await s.security.screen({ ip: '::ffff:10.0.0.5', hwid: 'H1' })
    expect(block).toMatchObject({ reason: 'blacklist_hit', type: 'ip' })
    const ev = await s.security.events(
      CONSOLE,
      listSecurityEventsSchema.parse({ event_type: 'blacklist_hit' }),
    )
    expect(ev.total).toBe(1)
    expect(ev.items[0]).toMatchObject({ blocked: true, hwid: 'H1' })
    // 24 h later the quick block has expired on its own.
    now += 24 * 3_600_000 + 1000
    expect(await s.security.screen({ ip: '10.0.0.5' })).toBeNull()
  })

  it('matches CIDR ranges, license keys case-insensitively, and forgets removed entries', async () => {
    const e = await s.security.addBlacklist(CONSOLE, {
      type: 'ip',
      value: '192.168.7.0/24',
      severity: 'high',
    })
    expect(await s.security.screen({ ip: '192.168.7.200' })).toMatchObject({ type: 'ip' })
    expect(await s.security.screen({ ip: '192.168.8.1' })).toBeNull()
    await s.security.addBlacklist(
      CONSOLE,
      addBlacklistSchema.parse({ type: 'license', value: 'abcd-efgh' }),
    )
    expect(await s.security.screen({ licenseKey: 'ABCD-EFGH' })).toMatchObject({ type: 'license' })
    await expect(
      s.security.addBlacklist(
        CONSOLE,
        addBlacklistSchema.parse({ type: 'license', value: 'ABCD-EFGH' }),
      ),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    await s.security.removeBlacklist(CONSOLE, e.id)
    expect(await s.security.screen({ ip: '192.168.7.200' })).toBeNull()
    const list = await s.security.listBlacklist(
      CONSOLE,
      listBlacklistSchema.parse({ is_active: 'true' }),
    )
    expect(list.items.map((i) => i.type)).toEqual(['license'])
  })

  it('turns many distinct failed keys from one IP into a temporary block that expires', async () => {
    await s.security.updateSettings(CONSOLE, {
      brute_force: { max_failures: 5, block_minutes: 10 },
    })
    for (let i = 0; i < 4; i++) {
      expect(
        await s.security.noteFailure({
          ip: '1.2.3.4',
          licenseKey: `KEY-${i}`,
          reason: 'LICENSE_NOT_FOUND',
        }),
      ).toBeNull()
    }
    // The same key again is not a new guess.
    expect(
      await s.security.noteFailure({
        ip: '1.2.3.4',
        licenseKey: 'KEY-0',
        reason: 'LICENSE_NOT_FOUND',
      }),
    ).toBeNull()
    const block = await s.security.noteFailure({
      ip: '1.2.3.4',
      licenseKey: 'KEY-9',
      reason: 'LICENSE_NOT_FOUND',
    })
    expect(block).toMatchObject({ reason: 'temporary_block', type: 'ip' })
    expect(await s.security.screen({ ip: '1.2.3.4' })).toMatchObject({ reason: 'temporary_block' })
    const bf = await s.security.events(
      CONSOLE,
      listSecurityEventsSchema.parse({ event_type: 'brute_force' }),
    )
    expect(bf.items[0]).toMatchObject({ severity: 'high', blocked: true, ip: '1.2.3.4' })
    now += 10 * 60_000 + 1
    expect(await s.security.screen({ ip: '1.2.3.4' })).toBeNull()
  })

  it('flags one HWID rotating through keys from several IPs, and implausible HWIDs', async () => {
    await s.security.updateSettings(CONSOLE, {
      hwid_spoof: { max_keys_per_hwid: 3, action: 'block' },
    })
    await s.security.screen({ hwid: 'CLONED', licenseKey: 'K1', ip: '1.1.1.1' })
    await s.security.screen({ hwid: 'CLONED', licenseKey: 'K2', ip: '2.2.2.2' })
    const b = await s.security.screen({ hwid: 'CLONED', licenseKey: 'K3', ip: '3.3.3.3' })
    expect(b).toMatchObject({ reason: 'temporary_block', type: 'hwid' })
    await s.security.screen({ hwid: '00000000-0000-0000-0000-000000000000', ip: '1.1.1.1' })
    await s.security.screen({ hwid: '00000000-0000-0000-0000-000000000000', ip: '1.1.1.1' })
    const ev = await s.security.events(
      CONSOLE,
      listSecurityEventsSchema.parse({ event_type: 'hwid_spoof_attempt' }),
    )
    expect(ev.total).toBe(2)
    expect(implausibleHwid('a1b2c3d4e5f6')).toBeNull()
    expect(implausibleHwid('ffffffffffffffff')).toBe('repeated_character')
  })

  it('records a reported replay as a blocked, high replay_attack with what was replayed', async () => {
    await s.security.reportReplay({ kind: 'nonce', ip: '5.6.7.8', protocol: 'sellrealm' })
    const ev = await s.security.events(
      CONSOLE,
      listSecurityEventsSchema.parse({ event_type: 'replay_attack' }),
    )
    expect(ev.items[0]).toMatchObject({
      severity: 'high',
      blocked: true,
      ip: '5.6.7.8',
      details: { kind: 'nonce', protocol: 'sellrealm' },
    })
  })

  it('computes the overview over security events only', async () => {
    await s.security.blockHwid(CONSOLE, blockHwidSchema.parse({ hwid: 'BAD' }))
    await s.security.screen({ hwid: 'BAD' })
    await s.events.record({ type: 'session_hijack', severity: 'critical', blocked: true })
    await s.events.record({ type: 'license.created' })
    const st = await s.security.stats(CONSOLE)
    expect(st.overview).toMatchObject({
      today_events: 2,
      critical_events: 1,
      blocked_attempts: 2,
      active_blacklist: 1,
    })
    expect(st.daily_trend).toHaveLength(30)
    expect(st.daily_trend[0]).toEqual({ date: '2025-12-12', total: 0, blocked: 0, critical: 0 })
    expect(st.daily_trend.at(-1)).toEqual({ date: '2026-01-10', total: 2, blocked: 2, critical: 1 })
  })
})
