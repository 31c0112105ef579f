import type { Store } from '../../src/main/db/connection'
import { createContext } from '../../src/main/services'
import { createWorker } from '../../src/main/services/webhooks/worker'
import { startReceiver } from './webhooks'

const SECRET = 'whsec_race_secret_0123456789'

/**
 * Two outbox workers, each on its own store (two nodes) over one database, racing over the
 * same events: starts them, records `events` license.created events, kicks both at once until
 * every event arrived, kicks again, and answers what the receiver got per event id.
 */
export async function raceTwoWorkers(a: Store, b: Store, dataDir: string, events = 40) {
  const rx = await startReceiver(SECRET)
  const now = new Date().toISOString()
  await a.db
    .insertInto('webhooks')
    .values({
      id: 'race-hook',
      owner_id: null,
      url: rx.url,
      events: JSON.stringify(['license.created']),
      secret: SECRET,
      is_active: 1,
      created_at: now,
      updated_at: now,
    })
    .execute()
  const policy = { policyFor: () => ({ allowPrivate: true, selfPort: null }) }
  const workers = [a, b].map((store) => createWorker(createContext({ store, dataDir }), policy))
  try {
    await Promise.all(workers.map((w) => w.start()))
    for (let i = 0; i < events; i++) {
      await (i % 2 ? b : a).db
        .insertInto('events')
        .values({
          type: 'license.created',
          severity: 'info',
          product_id: null,
          license_id: `lic-${i}`,
          machine_id: null,
          hwid: null,
          ip: null,
          user_agent: null,
          details: '{}',
          blocked: 0,
          created_at: new Date().toISOString(),
        })
        .execute()
    }
    for (let round = 0; round < 50 && rx.received.length < events; round++) {
      await Promise.all(workers.flatMap((w) => [w.kick(), w.kick()]))
    }
    await Promise.all(workers.map((w) => w.kick()))
    const perEvent = new Map<number, number>()
    for (const r of rx.received) {
      const id = Number(r.body.data.event_id)
      perEvent.set(id, (perEvent.get(id) ?? 0) + 1)
    }
    const rows = await a.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .where('webhook_id', '=', 'race-hook')
      .execute()
    return {
      received: rx.received.length,
      allSigned: rx.received.every((r) => r.signatureValid),
      perEvent,
      rows,
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
    await rx.close()
  }
}
