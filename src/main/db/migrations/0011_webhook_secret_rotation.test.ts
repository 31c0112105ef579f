import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { onPostgres } from '../../../../test/helpers/store'
import { upgradeFrom } from '../../../../test/helpers/migration-upgrade'
import type { DialectName } from '../types'
import { clearExpiredPreviousSecrets, findWebhook, updateWebhook } from '../repositories/webhooks'

describe.each(['sqlite', 'postgres'] as DialectName[])(
  '0011_webhook_secret_rotation on %s',
  (dialect) => {
    it.skipIf(dialect === 'postgres' && !onPostgres)(
      'brings a database made by 0010 forward, keeping its webhooks, with no overlap',
      async () => {
        await upgradeFrom(
          dialect,
          '0010_license_files',
          async (old) => {
            await sql`INSERT INTO webhooks (id, owner_id, url, events, secret, is_active, created_at, updated_at)
            VALUES ('w1', NULL, 'https://example.com/h', '["license.created"]', 'v1.a.b.c', 1, 'now', 'now')`.execute(
              old,
            )
          },
          async (store) => {
            expect(await findWebhook(store.db, 'w1')).toMatchObject({
              secret: 'v1.a.b.c',
              previous_secret: null,
              previous_secret_expires_at: null,
            })
            // The new columns work as the rotation and the minute sweep use them.
            await updateWebhook(store.db, 'w1', {
              previous_secret: 'v1.d.e.f',
              previous_secret_expires_at: '2026-01-02T00:00:00.000Z',
            })
            expect(await clearExpiredPreviousSecrets(store.db, '2026-01-01T00:00:00.000Z')).toBe(0)
            expect(await clearExpiredPreviousSecrets(store.db, '2026-01-02T00:00:00.000Z')).toBe(1)
            expect(await findWebhook(store.db, 'w1')).toMatchObject({ previous_secret: null })
          },
        )
      },
    )
  },
)
