import { sql } from 'kysely'
import { handleOf } from '../sqlite/handles'
import { describe, expect, it } from 'vitest'
import { upgradeFrom } from '../../../../test/helpers/migration-upgrade'
import { bumpVersion, readVersion } from '../repositories/change-versions'
import { hitWindow } from '../repositories/counters'

describe('0006_shared_state', () => {
  it('brings a database made by the migrations before it forward, keeping its data', async () => {
    await upgradeFrom(
      'sqlite',
      '0004_secrets_sealed_at_rest',
      async (old) => {
        await sql`insert into settings (key, value, updated_at) values ('setting.x', '1', 'now')`.execute(
          old,
        )
      },
      async (store) => {
        const tables = handleOf(store.db)
          .prepare("select name from sqlite_master where type = 'table'")
          .pluck()
          .all()
        for (const t of ['console_sessions', 'change_versions', 'counters', 'window_members']) {
          expect(tables).toContain(t)
        }
        const kept = await sql<{
          value: string
        }>`select value from settings where key = 'setting.x'`.execute(store.db)
        expect(kept.rows).toEqual([{ value: '1' }])
        // The new tables work as their repositories use them.
        expect(await readVersion(store.db, 'blacklist')).toBe(0)
        await bumpVersion(store.db, 'blacklist')
        await bumpVersion(store.db, 'blacklist')
        expect(await readVersion(store.db, 'blacklist')).toBe(2)
        const w = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z'] as const
        expect(await hitWindow(store.db, 'k', ...w)).toEqual({ n: 1, expiresAt: w[1] })
        expect(await hitWindow(store.db, 'k', ...w)).toEqual({ n: 2, expiresAt: w[1] })
        // Past its end the key's window starts again at the next hit.
        const later = ['2026-01-01T00:05:00.000Z', '2026-01-01T00:06:00.000Z'] as const
        expect(await hitWindow(store.db, 'k', ...later)).toEqual({ n: 1, expiresAt: later[1] })
      },
    )
  })
})
