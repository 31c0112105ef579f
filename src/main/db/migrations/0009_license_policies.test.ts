import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { onPostgres } from '../../../../test/helpers/store'
import { upgradeFrom } from '../../../../test/helpers/migration-upgrade'
import type { DialectName } from '../types'

const NOW = '2026-01-01T00:00:00.000Z'

describe.each(['sqlite', 'postgres'] as DialectName[])('0009_license_policies on %s', (dialect) => {
  it.skipIf(dialect === 'postgres' && !onPostgres)(
    'brings a database made by 0006 forward: licenses and machines keep their rows, nothing is overridden or watched, culling finds nothing',
    async () => {
      await upgradeFrom(
        dialect,
        '0006_shared_state',
        async (old) => {
          await sql`INSERT INTO products (id, name, secret_key, secret_key_hash, created_at, updated_at)
          VALUES ('p1', 'P', 's', 'h', ${NOW}, ${NOW})`.execute(old)
          await sql`INSERT INTO licenses (id, product_id, key, type, status, level, max_uses, hwid_locked, created_at, updated_at)
          VALUES ('l1', 'p1', 'AAAA-BBBB', 'lifetime', 'active', 1, 2, 1, ${NOW}, ${NOW})`.execute(
            old,
          )
          await sql`INSERT INTO machines (id, license_id, hwid, first_seen_at, last_seen_at)
          VALUES ('m1', 'l1', 'hw-1', ${NOW}, ${NOW})`.execute(old)
        },
        async (store) => {
          const lic = await store.db
            .selectFrom('licenses')
            .select(['key', 'policy'])
            .executeTakeFirstOrThrow()
          expect(lic).toEqual({ key: 'AAAA-BBBB', policy: null })
          const m = await store.db
            .selectFrom('machines')
            .select(['hwid', 'seat', 'seat_dead_at', 'seat_bury_at'])
            .executeTakeFirstOrThrow()
          expect(m).toEqual({ hwid: 'hw-1', seat: null, seat_dead_at: null, seat_bury_at: null })
          // The new columns work as the seat repository uses them (partial indexes included).
          await store.db
            .updateTable('machines')
            .set({ seat: 'held', seat_dead_at: NOW, seat_bury_at: NOW })
            .execute()
          const due = await store.db
            .selectFrom('machines')
            .select('id')
            .where('seat', '=', 'held')
            .where('seat_dead_at', '<=', '2026-01-02T00:00:00.000Z')
            .execute()
          expect(due).toEqual([{ id: 'm1' }])
        },
      )
    },
  )
})
