import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../../db/connection'
import { openTwoStores } from '../../../../test/helpers/store'
import { createServices, type Services } from '..'
import { CONSOLE } from '../context'
import { listSecurityEventsSchema } from '@shared/channels/security'

/**
 * The HWID-spoof heuristics as two processes on one database count them (`serve --workers 2`
 * on one SQLite file, or two nodes on one PostgreSQL database): every process counts the
 * distinct HWIDs all of them saw, and a repeat writes nothing.
 */
describe('HWID-spoof windows shared by two processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-spoof-'))
  let stores: Store[] = []
  let close: () => Promise<void>
  let a: Services
  let b: Services
  const now = Date.parse('2026-01-10T12:00:00.000Z')
  const shared = (s: Store): Store => ({ ...s, changes: { ...s.changes, shared: true } })

  beforeAll(async () => {
    const two = await openTwoStores()
    stores = two.stores
    close = two.close
    a = createServices({ store: shared(stores[0]), dataDir: dir, clock: () => new Date(now) })
    await a.security.updateSettings(CONSOLE, { hwid_spoof: { max_hwids_per_key: 4 } })
    b = createServices({ store: shared(stores[1]), dataDir: dir, clock: () => new Date(now) })
  })
  afterAll(async () => {
    await close()
    rmSync(dir, { recursive: true, force: true })
  })

  const members = async () =>
    Number(
      (
        await stores[0].db
          .selectFrom('window_members')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('finds a HWID rotation split over both processes at its threshold, and repeats cost no write', async () => {
    const screen = (on: Services, hwid: string) =>
      on.security.screen({ hwid, licenseKey: 'ROTATED-KEY', ip: '10.9.8.7' })
    await screen(a, 'HWID-1')
    await screen(b, 'HWID-2')
    await screen(a, 'HWID-3')
    const written = await members()
    // An installed app presenting the same HWID, key and IP again writes nothing.
    for (let i = 0; i < 5; i++) await screen(a, 'HWID-1')
    expect(await members()).toBe(written)
    const spoofEvents = async () =>
      (
        await a.security.events(
          CONSOLE,
          listSecurityEventsSchema.parse({ event_type: 'hwid_spoof_attempt' }),
        )
      ).total
    expect(await spoofEvents()).toBe(0)
    // The fourth distinct HWID, on the other process: each process alone has seen two.
    await screen(b, 'HWID-4')
    expect(await spoofEvents()).toBe(1)
  })
})
