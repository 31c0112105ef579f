import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/db/connection'
import { migrations } from '../../src/main/db/migrations'
import { raceTwoWorkers } from '../helpers/outbox-race'

/**
 * Two stores (two nodes) on one PostgreSQL database race their outbox workers over the same
 * events. Runs when KEYWARDEN_OUTBOX_PG_URL names an existing, empty database:
 *   KEYWARDEN_OUTBOX_PG_URL=postgres://postgres@127.0.0.1:55432/outbox_race npx vitest run <this file>
 * Until the PostgreSQL bodies of migrations 0001–0004 land it makes the tables the outbox
 * touches itself and marks 0001–0004 applied (then: drop `makeOutboxTables`, let openStore migrate).
 */
const url = process.env.KEYWARDEN_OUTBOX_PG_URL

async function makeOutboxTables(target: string): Promise<void> {
  const client = new pg.Client({ connectionString: target })
  await client.connect()
  try {
    await client.query(`
      CREATE TABLE accounts (id text PRIMARY KEY, role text NOT NULL);
      CREATE TABLE products (id text PRIMARY KEY, owner_id text);
      CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL, updated_at text NOT NULL);
      CREATE TABLE licenses (id text PRIMARY KEY, product_id text NOT NULL, key text NOT NULL,
        status text NOT NULL, expires_at text, expired_notified_at text);
      CREATE TABLE events (id bigserial PRIMARY KEY, type text NOT NULL, severity text NOT NULL,
        product_id text, license_id text, machine_id text, hwid text, ip text, user_agent text,
        details text NOT NULL, blocked integer NOT NULL, created_at text NOT NULL);
      CREATE TABLE webhooks (id text PRIMARY KEY, owner_id text, url text NOT NULL,
        events text NOT NULL, secret text NOT NULL, is_active integer NOT NULL,
        created_at text NOT NULL, updated_at text NOT NULL);
      CREATE TABLE webhook_deliveries (id text PRIMARY KEY,
        webhook_id text NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE, event_id integer,
        event_type text NOT NULL, payload text NOT NULL, status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0, next_attempt_at text, last_status_code integer,
        last_response_ms integer, last_error text, created_at text NOT NULL, delivered_at text);
      CREATE UNIQUE INDEX deliveries_webhook_event ON webhook_deliveries (webhook_id, event_id)
        WHERE event_id IS NOT NULL;
      CREATE TABLE kysely_migration (name varchar(255) PRIMARY KEY, timestamp varchar(255) NOT NULL);
    `)
    for (const name of Object.keys(migrations).filter((n) => n < '0005'))
      await client.query('INSERT INTO kysely_migration VALUES ($1, $2)', [
        name,
        new Date().toISOString(),
      ])
  } finally {
    await client.end()
  }
}

describe.skipIf(!url)('the webhook outbox with two nodes on one PostgreSQL database', () => {
  it('two workers racing over 200 events deliver each exactly once', async () => {
    await makeOutboxTables(url!)
    const dir = mkdtempSync(join(tmpdir(), 'kw-race-pg-'))
    const a = await openStore(url!)
    const b = await openStore(url!)
    try {
      const r = await raceTwoWorkers(a, b, dir, 200)
      console.log(
        `outbox race on PostgreSQL: ${r.received} received, ${r.perEvent.size} distinct events, ` +
          `${r.rows.filter((x) => x.status === 'delivered' && x.attempts === 1).length} rows delivered in one attempt`,
      )
      expect(r.received).toBe(200)
      expect(r.perEvent.size).toBe(200)
      expect([...r.perEvent.values()].every((n) => n === 1)).toBe(true)
      expect(r.rows.every((x) => x.status === 'delivered' && x.attempts === 1)).toBe(true)
    } finally {
      await a.close()
      await b.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
