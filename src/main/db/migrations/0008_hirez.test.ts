import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { upgradeFrom } from '../../../../test/helpers/migration-upgrade'
import { handleOf } from '../sqlite/handles'
import * as hirez from '../repositories/hirez'

describe('0008_hirez', () => {
  it('brings a database made by the migrations before it forward, keeping its data', async () => {
    await upgradeFrom(
      'sqlite',
      '0007_devpayr',
      async (old) => {
        await sql`insert into counters (key, window_start, n, expires_at) values ('k', '', 3, 'z')`.execute(
          old,
        )
      },
      async (store) => {
        const tables = handleOf(store.db)
          .prepare("select name from sqlite_master where type = 'table'")
          .pluck()
          .all()
        expect(tables).toEqual(expect.arrayContaining(['hirez_developers', 'hirez_sessions']))
        const kept = await sql<{ n: number }>`select n from counters where key = 'k'`.execute(
          store.db,
        )
        expect(kept.rows).toEqual([{ n: 3 }])
        // The new tables work as the repository uses them.
        const now = '2026-12-02T00:00:00.000Z'
        await hirez.insertDeveloper(store.db, {
          dev_id: 1004,
          account_id: null,
          name: 'd',
          auth_key_sealed: 'sealed',
          product_ids: '[]',
          max_concurrent_sessions: 50,
          max_daily_sessions: 500,
          session_minutes: 15,
          max_daily_requests: 7500,
          license_allotment: 2,
          licenses_created: 0,
          created_at: now,
          updated_at: now,
          rekeyed_at: null,
          revoked_at: null,
          last_used_at: null,
        })
        await hirez.insertSession(store.db, {
          id_hash: 'h',
          dev_id: 1004,
          created_at: now,
          expires_at: '2026-12-02T00:15:00.000Z',
        })
        expect(await hirez.sessionLive(store.db, 'h', 1004, now)).toBe(true)
        expect(await hirez.sessionLive(store.db, 'h', 1004, '2026-12-02T00:15:00.000Z')).toBe(false)
        expect(await hirez.reserveAllotment(store.db, 1004, 2)).toBe(true)
        expect(await hirez.reserveAllotment(store.db, 1004, 1)).toBe(false)
      },
    )
  })
})
