import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { upgradeFrom } from '../../../../test/helpers/migration-upgrade'
import { findSignature, keepSignature, purgeSignatures } from '../repositories/signatures'

describe('0012_signature_cache', () => {
  it('brings a database made by 0010 forward, keeping its data; signatures are kept until they expire', async () => {
    await upgradeFrom(
      'sqlite',
      '0010_license_files',
      async (old) => {
        await sql`insert into settings (key, value, updated_at) values ('setting.x', '1', 'now')`.execute(
          old,
        )
      },
      async (store) => {
        const kept = await sql<{
          value: string
        }>`select value from settings where key = 'setting.x'`.execute(store.db)
        expect(kept.rows).toEqual([{ value: '1' }])
        const t0 = '2026-12-02T18:00:00.000Z'
        const t1 = '2026-12-02T18:01:00.000Z'
        await keepSignature(store.db, { digest: 'd1', signature: 'SIG-A', expires_at: t1 })
        // A second signature of the same string (another worker, at the same moment) keeps the first.
        await keepSignature(store.db, { digest: 'd1', signature: 'SIG-B', expires_at: t1 })
        expect(await findSignature(store.db, 'd1', t0)).toBe('SIG-A')
        expect(await findSignature(store.db, 'd1', t1)).toBeUndefined()
        await purgeSignatures(store.db, t1)
        const left = await sql<{ n: number }>`select count(*) as n from signatures`.execute(
          store.db,
        )
        expect(left.rows[0].n).toBe(0)
      },
    )
  })
})
