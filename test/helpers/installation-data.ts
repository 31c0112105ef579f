import { sql } from 'kysely'
import type { Db } from '../../src/main/db/connection'
import { CONSOLE } from '../../src/main/services/context'
import type { startClocked } from './webhooks'

type Clocked = Awaited<ReturnType<typeof startClocked>>

/** Gives a running installation rows in most tables: an account, products, licenses, a webhook, events. */
export async function fillInstallation(k: Clocked): Promise<void> {
  const r = await k.json('/api/auth/register', {
    email: `fill${Date.now()}@example.com`,
    password: 'correct horse battery',
  })
  if (r.status !== 201) throw new Error(JSON.stringify(r.body))
  for (const name of ['Alpha', 'Beta']) {
    const p = await k.s.products.create(CONSOLE, { name })
    for (let i = 0; i < 3; i++)
      await k.s.licenses.create(CONSOLE, { product_id: p.id, metadata: { seat: `${name}-${i}` } })
  }
  await k.s.webhooks.create(CONSOLE, {
    url: 'https://example.com/hook',
    events: ['license.created'],
    secret: 'whsec_fill_0123456789',
    // Inactive: nothing is sent, so no delivery row changes while two copies are compared.
    is_active: false,
  })
  // The outbox moves its cursor as events arrive: stopped, the rows hold still for comparing.
  await k.s.webhooks.kick()
  await k.s.webhooks.stop()
}

/** Every row of `tables`, in a stable order, as JSON (the comparison of two databases). */
export async function contents(db: Db, tables: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const t of tables) {
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(t)}`.execute(db)
    out[t] = rows.rows
      .map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).sort())))
      .sort()
  }
  return out
}
