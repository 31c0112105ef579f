import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { upgradeFrom } from '../../../../test/helpers/migration-upgrade'
import {
  insertLicenseFile,
  listLicenseFiles,
  recordSigningKey,
  recordedSigningKey,
  revocationSources,
} from '../repositories/license-files'

describe('0010_license_files', () => {
  it('brings a database made by 0006 forward, keeping its data', async () => {
    await upgradeFrom(
      'sqlite',
      '0006_shared_state',
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
        // The new tables work as their repositories use them.
        expect(await recordedSigningKey(store.db, 'ed25519')).toBeNull()
        expect(await recordSigningKey(store.db, 'ed25519', 'PEM-A', 'now')).toBe('PEM-A')
        expect(await recordSigningKey(store.db, 'ed25519', 'PEM-B', 'now')).toBe('PEM-A')
        await insertLicenseFile(store.db, {
          id: 'f1',
          license_id: 'gone',
          product_id: 'p',
          machine_fingerprint: null,
          alg: 'base64+ed25519',
          issued_at: '2026-01-01T00:00:00.000Z',
          expires_at: '2026-02-01T00:00:00.000Z',
          source: 'api',
          revoked_at: null,
          revoked_reason: null,
        })
        expect((await listLicenseFiles(store.db, 'gone')).map((f) => f.id)).toEqual(['f1'])
        // A file whose license no longer exists is on the list until it expires.
        expect(await revocationSources(store.db, '2026-01-15T00:00:00.000Z')).toMatchObject([
          { file_id: 'f1', license_status: null },
        ])
        expect(await revocationSources(store.db, '2026-03-01T00:00:00.000Z')).toEqual([])
      },
    )
  })
})
