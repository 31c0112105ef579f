import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { migrations } from '../../src/main/db/migrations'
import { startRuntime } from '../../src/main/runtime'
import { CONSOLE } from '../../src/main/services/context'
import { setupHeader } from '../helpers/mgmt'
import { createHash } from 'node:crypto'
import { seedServerKey, startTestServer } from '../helpers/server'
import { onPostgres } from '../helpers/store'
import { dbOf } from '../helpers/db'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const SEALED = /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/
const CLEAR = {
  product: 'PRODUCTSECRETKEY0123456789abcdefPRODUCTSECRET01',
  auth: 'AUTHSECRET0123456789abcdefghijklmnopqrstuvwxyzAB',
  store: 'STORESECRET0123456789abcdefghijklmnopqrstuvwxyzA',
  webhook: 'whsec_clear_webhook_secret_0123456789',
  jwt: Buffer.alloc(64, 7).toString('base64url'),
  instAuth: 'INSTAUTH0123456789abcdefghijklmnopqrstuvwxyzABCD',
  instStore: 'INSTSTORE0123456789abcdefghijklmnopqrstuvwxyzABC',
}

/** A data folder whose database was made by migrations 0001..0003, with every secret in clear. */
async function folderMadeBy0003(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-0003-'))
  dirs.push(dir)
  seedServerKey(dir)
  const db = new Kysely({
    dialect: new SqliteDialect({ database: new BetterSqlite3(join(dir, 'keywarden.db')) }),
  })
  const upTo3 = Object.fromEntries(
    Object.entries(migrations)
      .slice(0, 3)
      .map(([name, m]) => [name, m.sqlite]),
  )
  expect(Object.keys(upTo3).at(-1)).toBe('0003_license_search_rows_written_by_inserts')
  const r = await new Migrator({
    db,
    provider: { getMigrations: async () => upTo3 },
  }).migrateToLatest()
  expect(r.error).toBeUndefined()
  const now = new Date().toISOString()
  const hash = (s: string) => createHash('sha256').update(s).digest('hex')
  await sql`INSERT INTO accounts (id, email, display_name, password_hash, role, auth_secret, auth_secret_hash, store_secret, store_secret_hash, created_at, updated_at)
    VALUES ('acc1', 'old@example.com', 'Old', 'x', 'admin', ${CLEAR.auth}, ${hash(CLEAR.auth)}, ${CLEAR.store}, ${hash(CLEAR.store)}, ${now}, ${now})`.execute(
    db,
  )
  await sql`INSERT INTO products (id, owner_id, name, secret_key, secret_key_hash, created_at, updated_at)
    VALUES ('prod1', 'acc1', 'Old App', ${CLEAR.product}, ${hash(CLEAR.product)}, ${now}, ${now})`.execute(
    db,
  )
  await sql`INSERT INTO webhooks (id, owner_id, url, events, secret, is_active, created_at, updated_at)
    VALUES ('wh1', 'acc1', 'https://example.com/hook', '["license.created"]', ${CLEAR.webhook}, 1, ${now}, ${now})`.execute(
    db,
  )
  await sql`INSERT INTO settings (key, value, updated_at) VALUES ('secret.jwt_hs256', ${JSON.stringify(CLEAR.jwt)}, ${now})`.execute(
    db,
  )
  await sql`INSERT INTO settings (key, value, updated_at) VALUES ('sellrealm.installation_secrets', ${JSON.stringify(
    {
      auth_secret: CLEAR.instAuth,
      auth_secret_hash: hash(CLEAR.instAuth),
      store_secret: CLEAR.instStore,
      store_secret_hash: hash(CLEAR.instStore),
    },
  )}, ${now})`.execute(db)
  await db.destroy()
  return dir
}

function rawSecrets(dir: string) {
  const db = new BetterSqlite3(join(dir, 'keywarden.db'), { readonly: true })
  try {
    const one = (q: string) => db.prepare(q).pluck().get() as string
    const inst = JSON.parse(
      one(`SELECT value FROM settings WHERE key = 'sellrealm.installation_secrets'`),
    )
    return {
      product: one(`SELECT secret_key FROM products WHERE id = 'prod1'`),
      auth: one(`SELECT auth_secret FROM accounts WHERE id = 'acc1'`),
      store: one(`SELECT store_secret FROM accounts WHERE id = 'acc1'`),
      webhook: one(`SELECT secret FROM webhooks WHERE id = 'wh1'`),
      jwt: JSON.parse(one(`SELECT value FROM settings WHERE key = 'secret.jwt_hs256'`)) as string,
      instAuth: inst.auth_secret as string,
      instStore: inst.store_secret as string,
    }
  } finally {
    db.close()
  }
}

describe('secrets at rest: sealed with master.key', () => {
  // A SQLite file made by 0003 (PostgreSQL's 0004 body is tested in migrations.test.ts).
  it.skipIf(onPostgres)(
    'migration 0004 seals the clear secrets of a database made by 0003, and they still work',
    async () => {
      const dir = await folderMadeBy0003()
      expect(rawSecrets(dir)).toEqual(CLEAR)
      const runtime = await startRuntime({
        dataDir: dir,
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
      })
      try {
        const raw = rawSecrets(dir)
        for (const [name, value] of Object.entries(raw)) {
          expect([name, SEALED.test(value)]).toEqual([name, true])
          expect(value.includes(CLEAR[name as keyof typeof CLEAR])).toBe(false)
        }
        const s = runtime.services
        expect((await s.products.get(CONSOLE, 'prod1')).secret_key).toBe(CLEAR.product)
        expect((await s.accounts.byAuthSecret(CLEAR.auth))?.id).toBe('acc1')
        expect((await s.accounts.byStoreSecret(CLEAR.store))?.id).toBe('acc1')
        expect(await s.store.secrets.get(CONSOLE)).toEqual({
          auth_secret: CLEAR.instAuth,
          store_secret: CLEAR.instStore,
        })
        expect(Buffer.from(await s.settings.secret('jwt_hs256')).toString('base64url')).toBe(
          CLEAR.jwt,
        )
      } finally {
        await runtime.close()
      }
    },
  )

  it('new secrets are written sealed: a product, an account, a webhook, the JWT secret', async () => {
    const s = await startTestServer()
    dirs.push(s.dataDir)
    const p = await s.runtime.services.products.create(CONSOLE, { name: 'Fresh' })
    const reg = await s.json('/api/auth/register', {
      body: { email: 'a@example.com', password: 'correct horse battery staple' },
      headers: setupHeader(s),
    })
    expect(reg.status).toBe(201)
    // Read from the database itself (the SQLite file or the PostgreSQL database).
    const db = dbOf(s.runtime.store)
    try {
      const stored = (await db.one<{ secret_key: string }>`
        SELECT secret_key FROM products WHERE id = ${p.id}`)!.secret_key
      expect(stored).toMatch(SEALED)
      expect(p.secret_key).toMatch(/^sk_live_\w{16,}$/)
      const secrets = (
        await db.all<{
          pair: string
        }>`SELECT auth_secret || ' ' || store_secret AS pair FROM accounts`
      ).map((r) => r.pair)
      expect(secrets).toHaveLength(1)
      for (const pair of secrets) for (const v of pair.split(' ')) expect(v).toMatch(SEALED)
    } finally {
      await s.runtime.close()
    }
  })
})

// Backups are of the SQLite file (the online backup API); a PostgreSQL database is backed up
// with its own tools, so these run on SQLite only.
describe.skipIf(onPostgres)(
  'backups carry what a restore on another machine needs, sealed with the backup key',
  () => {
    it('system.backup writes <name>.keys sealed; a restore into a fresh data folder is the same installation', async () => {
      const { loginConsole } = await import('../helpers/server')
      const { restoreInstallation } = await import('../../src/main/services/backup/keys')
      const { readFileSync, statSync } = await import('node:fs')
      const { createHmac } = await import('node:crypto')
      const token = 'backup-setup-token-123456'
      const s = await startTestServer({ console: { setupToken: token } })
      dirs.push(s.dataDir)
      await s.runtime.services.licensing.attestor.ready()
      const publicKey = s.runtime.services.licensing.publicKeyPem()!
      const product = await s.runtime.services.products.create(CONSOLE, { name: 'Moved App' })
      const key = await s.runtime.services.apiKeys.create(CONSOLE, {
        name: 'ci',
        scopes: ['products:read'],
        require_signature: true,
      })
      const rpc = await loginConsole(s, token)
      const b = await rpc('system.backup', {})
      expect(b.status).toBe(200)
      expect(b.body.data).toMatchObject({ keys_included: true })
      const backupFile = join(s.dataDir, 'backups', b.body.data.name)
      const keysText = readFileSync(`${backupFile}.keys`, 'utf8')
      const masterKey = readFileSync(join(s.dataDir, 'master.key'), 'utf8').trim()
      const rsaPem = readFileSync(join(s.dataDir, 'keys', 'rsa-private.pem'), 'utf8')
      // Sealed: neither key appears in the file.
      expect(keysText.trim()).toMatch(SEALED)
      expect(keysText.includes(masterKey) || keysText.includes('PRIVATE KEY')).toBe(false)
      expect(statSync(`${backupFile}.keys`).mode & 0o777).toBe(0o600)
      expect(statSync(join(s.dataDir, 'backup.key')).mode & 0o777).toBe(0o600)
      const backupKey = readFileSync(join(s.dataDir, 'backup.key'), 'utf8')
      await s.runtime.close()

      const fresh = mkdtempSync(join(tmpdir(), 'kw-restored-'))
      dirs.push(fresh)
      await expect(
        restoreInstallation(fresh, backupFile, Buffer.alloc(32, 1).toString('base64')),
      ).rejects.toThrow(/\.keys does not open with that backup key/)
      await restoreInstallation(fresh, backupFile, backupKey)
      expect(readFileSync(join(fresh, 'keys', 'rsa-private.pem'), 'utf8')).toBe(rsaPem)
      const restored = await startRuntime({
        dataDir: fresh,
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
      })
      try {
        await restored.services.licensing.attestor.ready()
        expect(restored.services.licensing.publicKeyPem()).toBe(publicKey)
        expect((await restored.services.products.get(CONSOLE, product.id)).secret_key).toBe(
          product.secret_key,
        )
        // The API key's sealed signing secret still verifies a signed request.
        const ts = String(Math.floor(Date.now() / 1000))
        const path = '/api/products'
        const sig = createHmac('sha256', key.secret)
          .update(`GET\n${path}\n${ts}\n`)
          .digest('base64')
        const r = await fetch(restored.server!.url + path, {
          headers: { 'x-api-key': key.key, 'x-timestamp': ts, 'x-signature': sig },
        })
        expect(r.status).toBe(200)
        expect(((await r.json()) as { data: { name: string }[] }).data.map((p) => p.name)).toEqual([
          'Moved App',
        ])
      } finally {
        await restored.close()
      }
    })
  },
)

describe.skipIf(onPostgres)('a console restore refuses a backup of another installation', () => {
  it('answers a validation error naming `serve --restore`, and keeps the current data', async () => {
    const { loginConsole } = await import('../helpers/server')
    const { readFileSync } = await import('node:fs')
    const token = 'foreign-setup-token-123456'
    const a = await startTestServer()
    const b = await startTestServer({ console: { setupToken: token } })
    dirs.push(a.dataDir, b.dataDir)
    try {
      await a.runtime.services.products.create(CONSOLE, { name: 'Other installation' })
      const backup = await a.runtime.services.backup.backup()
      const bytes = readFileSync(join(a.dataDir, 'backups', backup.name)).toString('base64')
      await b.runtime.services.products.create(CONSOLE, { name: 'Mine' })
      const rpc = await loginConsole(b, token)
      const r = await rpc('system.restore', { file: 'foreign.db', bytesBase64: bytes })
      expect(r.status).toBe(400)
      expect(r.body.error.message).toMatch(/belongs to another installation .*serve -- --restore/)
      expect((await b.runtime.services.products.list(CONSOLE)).map((p) => p.name)).toEqual(['Mine'])
    } finally {
      await a.runtime.close()
      await b.runtime.close()
    }
  })
})
