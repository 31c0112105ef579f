import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createContext } from '..'
import type { Store } from '../../db/connection'
import { openTestStore } from '../../../../test/helpers/store'
import { dbOf } from '../../../../test/helpers/db'
import { DEFAULT_SETTINGS, updateSettingsSchema } from '@shared/accounts'
import { createSettingsService } from '.'

describe('settings service', () => {
  let store: Store
  let dir: string
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function make() {
    dir = mkdtempSync(join(tmpdir(), 'kw-settings-'))
    store = await openTestStore(join(dir, 'keywarden.db'))
    const ctx = createContext({ store, dataDir: dir })
    return { ctx, settings: createSettingsService(ctx) }
  }

  it('starts from the defaults and keeps an admin change across a new service instance', async () => {
    const { ctx, settings } = await make()
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS)
    await settings.update({ kind: 'console' }, { registration_open: true })
    expect(await createSettingsService(ctx).get()).toEqual({
      ...DEFAULT_SETTINGS,
      registration_open: true,
    })
  })

  // A value out of range is refused at the edges (the route and the channel validate with
  // updateSettingsSchema; mgmt-admin.test.ts checks the PUT's 400); the service takes typed input.
  it('refuses a user account; the edge schema refuses a value out of range', async () => {
    const { settings } = await make()
    await expect(
      settings.update(
        { kind: 'account', accountId: 'a', role: 'user' },
        { registration_open: true },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(updateSettingsSchema.safeParse({ api_rate_limit_per_minute: 0 }).success).toBe(false)
    expect((await settings.get()).api_rate_limit_per_minute).toBe(100)
  })

  it('falls back to the default for a corrupt stored value instead of failing', async () => {
    const { ctx } = await make()
    await dbOf(store)
      .run`insert into settings (key, value, updated_at) values ('setting.registration_open', '{oops', '')`
    expect((await createSettingsService(ctx).get()).registration_open).toBe(false)
  })

  it('creates a secret once and returns the same bytes afterwards, never through get()', async () => {
    const { ctx, settings } = await make()
    const a = await settings.secret('jwt_hs256')
    expect(a).toHaveLength(64)
    expect(await createSettingsService(ctx).secret('jwt_hs256')).toEqual(a)
    expect(Buffer.from(await settings.secret('other')).equals(Buffer.from(a))).toBe(false)
    expect(JSON.stringify(await settings.get())).not.toContain(Buffer.from(a).toString('base64url'))
  })
})
