import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { upgradeFrom } from '../../../../test/helpers/migration-upgrade'

describe('0014_customer_notes_app_version', () => {
  it('brings a database made by 0010 forward: customers keep their rows with empty notes', async () => {
    await upgradeFrom(
      'sqlite',
      '0010_license_files',
      async (old) => {
        await sql`insert into customers (id, owner_id, email, name, created_at)
        values ('c1', null, 'a@example.com', null, 'now')`.execute(old)
      },
      async (store) => {
        const kept = await store.db
          .selectFrom('customers')
          .select(['email', 'notes'])
          .where('id', '=', 'c1')
          .execute()
        expect(kept).toEqual([{ email: 'a@example.com', notes: '' }])
        await store.db
          .updateTable('customers')
          .set({ notes: 'VIP' })
          .where('id', '=', 'c1')
          .execute()
        const cols = await sql<{
          name: string
        }>`select name from pragma_table_info('machines')`.execute(store.db)
        expect(cols.rows.map((r) => r.name)).toContain('app_version')
      },
    )
  })
})
