import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { createContext } from '..'
import { openStore, type Store } from '../../db/connection'
import { CONSOLE } from '../context'
import { createEventsService } from '../events'
import { createSettingsService } from '../settings'
import { createAccountsService } from '../accounts'
import { DEFAULT_SELLREALM_CONFIG, SHARED_SETTING_TTL_MS, createSellRealmConfig } from './config'
import { createSecretsService } from './secrets'

let store: Store
let dir: string
afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Two nodes on one database: each its own services (and caches), one clock the test moves. */
async function twoNodes() {
  dir = mkdtempSync(join(tmpdir(), 'kw-store-config-'))
  store = await openStore(join(dir, 'keywarden.db'))
  let now = Date.parse('2026-03-01T10:00:00.000Z')
  const node = () => {
    const ctx = createContext({ store, dataDir: dir, clock: () => new Date(now) })
    const events = createEventsService(ctx)
    const accounts = createAccountsService(ctx, { events, settings: createSettingsService(ctx) })
    return {
      config: createSellRealmConfig(ctx),
      secrets: createSecretsService(ctx, { events, accounts }),
    }
  }
  return { a: node(), b: node(), advance: (ms: number) => (now += ms) }
}

it('a SellRealm setting saved on one node applies on the other within the stated time', async () => {
  const { a, b, advance } = await twoNodes()
  expect(await b.config.get()).toEqual(DEFAULT_SELLREALM_CONFIG)
  await a.config.update(CONSOLE, { rate_limit_per_minute: 42 })
  expect((await a.config.get()).rate_limit_per_minute).toBe(42)
  advance(SHARED_SETTING_TTL_MS)
  expect((await b.config.get()).rate_limit_per_minute).toBe(42)
})

it('an installation secret regenerated on one node stops working on the other within that time', async () => {
  const { a, b, advance } = await twoNodes()
  const old = (await b.secrets.get(CONSOLE)).auth_secret
  expect(await b.secrets.resolveAuth(old)).toMatchObject({ ownerId: null })
  const fresh = (await a.secrets.regenerate(CONSOLE)).auth_secret
  expect(await a.secrets.resolveAuth(old)).toBeNull()
  advance(SHARED_SETTING_TTL_MS)
  expect(await b.secrets.resolveAuth(old)).toBeNull()
  expect(await b.secrets.resolveAuth(fresh)).toMatchObject({ ownerId: null })
})
