import type { Migration } from 'kysely/migration'
import { dirname } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { isSealed, loadMasterKey, seal, sealedAad } from '../../crypto/seal'

/**
 * Secrets the server must read back were kept in clear: product secret keys, the SellRealm
 * secrets (per account and the installation's pair), webhook signing secrets and the JWT
 * signing secret. This seals every existing one in place with the installation's master key
 * (master.key beside the database, created if this installation never had one), bound to its
 * table, column and row (crypto/seal.ts `sealedAad`). Lookups keep using the `*_hash` columns.
 * Values already sealed are left alone.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function upSqlite(db: Kysely<any>): Promise<void> {
  const file = (
    await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db)
  ).rows.find((r) => r.name === 'main')?.file
  let master: Buffer | null = null
  await sealSecrets(db, () => {
    if (master) return master
    // An in-memory database (tests) has no folder and nothing to seal yet.
    if (!file) throw new Error('secrets to seal but the database has no data folder for master.key')
    return (master = loadMasterKey(dirname(file)))
  })
}

/**
 * On PostgreSQL the same pass finds nothing to seal: PostgreSQL support arrived with this
 * migration, and every secret written since is sealed by the services. The migration has no
 * data folder to take master.key from, so a clear secret (written by hand) stops it with the
 * reason instead of staying in clear.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function upPostgres(db: Kysely<any>): Promise<void> {
  await sealSecrets(db, () => {
    throw new Error(
      'a secret in clear in the PostgreSQL database: seal it with the master key first',
    )
  })
}

/** Seals every secret still in clear with `key()` (called only when there is one to seal). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function sealSecrets(db: Kysely<any>, key: () => Buffer): Promise<void> {
  const sealed = (v: string, aad: string) => (isSealed(v) ? v : seal(key(), v, aad))

  const products = await sql<{
    id: string
    secret_key: string
  }>`SELECT id, secret_key FROM products`.execute(db)
  for (const p of products.rows) {
    const v = sealed(p.secret_key, sealedAad.productSecret(p.id))
    if (v !== p.secret_key)
      await sql`UPDATE products SET secret_key = ${v} WHERE id = ${p.id}`.execute(db)
  }

  const accounts = await sql<{ id: string; auth_secret: string; store_secret: string }>`
    SELECT id, auth_secret, store_secret FROM accounts`.execute(db)
  for (const a of accounts.rows) {
    const auth = sealed(a.auth_secret, sealedAad.authSecret(a.id))
    const store = sealed(a.store_secret, sealedAad.storeSecret(a.id))
    if (auth !== a.auth_secret || store !== a.store_secret) {
      await sql`UPDATE accounts SET auth_secret = ${auth}, store_secret = ${store} WHERE id = ${a.id}`.execute(
        db,
      )
    }
  }

  const webhooks = await sql<{
    id: string
    secret: string
  }>`SELECT id, secret FROM webhooks`.execute(db)
  for (const w of webhooks.rows) {
    const v = sealed(w.secret, sealedAad.webhookSecret(w.id))
    if (v !== w.secret) await sql`UPDATE webhooks SET secret = ${v} WHERE id = ${w.id}`.execute(db)
  }

  const settings = await sql<{ key: string; value: string }>`
    SELECT key, value FROM settings WHERE key LIKE 'secret.%' OR key = 'sellrealm.installation_secrets'`.execute(
    db,
  )
  for (const s of settings.rows) {
    let value: string
    if (s.key === 'sellrealm.installation_secrets') {
      const pair = JSON.parse(s.value) as { auth_secret: string; store_secret: string }
      value = JSON.stringify({
        ...pair,
        auth_secret: sealed(pair.auth_secret, sealedAad.installationAuthSecret),
        store_secret: sealed(pair.store_secret, sealedAad.installationStoreSecret),
      })
    } else {
      value = JSON.stringify(sealed(JSON.parse(s.value) as string, sealedAad.setting(s.key)))
    }
    if (value !== s.value)
      await sql`UPDATE settings SET value = ${value} WHERE key = ${s.key}`.execute(db)
  }
}

export const sqlite: Migration = { up: upSqlite }
export const postgres: Migration = { up: upPostgres }
