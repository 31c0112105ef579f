import type { Db } from './types'

/** One value sealed with master.key, and the row it is bound to (see crypto/seal `sealedAad`). */
export type SealedSample =
  | { kind: 'product' | 'apiKey' | 'account' | 'webhook'; id: string; value: string }
  | { kind: 'setting'; key: string; value: string }

/** What a start must know of a database before it may use this data folder's keys with it. */
export interface InstallationFacts {
  /** The database holds an installation (accounts, products or API keys). */
  installed: boolean
  /** Rows sealed with master.key exist. */
  sealed: boolean
  /** One of them, to prove master.key opens it (null when none). */
  sample: SealedSample | null
}

const SEALED = 'v1.%'

/**
 * The installation facts of an open store, either dialect: a PostgreSQL database is shared by
 * nodes whose data folders each hold the keys, so a node with a missing or another master.key
 * (or no RSA key) must learn from the database itself that it is not a fresh install.
 */
export async function installationFacts(db: Db): Promise<InstallationFacts> {
  const any = async (table: 'accounts' | 'products' | 'api_keys') =>
    (await db.selectFrom(table).select('id').limit(1).executeTakeFirst()) !== undefined
  const installed = (await any('accounts')) || (await any('products')) || (await any('api_keys'))
  const sample = await sealedSample(db)
  return { installed, sealed: sample !== null, sample }
}

async function sealedSample(db: Db): Promise<SealedSample | null> {
  const product = await db
    .selectFrom('products')
    .select(['id', 'secret_key'])
    .where('secret_key', 'like', SEALED)
    .limit(1)
    .executeTakeFirst()
  if (product) return { kind: 'product', id: product.id, value: product.secret_key }
  const key = await db
    .selectFrom('api_keys')
    .select(['id', 'secret_sealed'])
    .limit(1)
    .executeTakeFirst()
  if (key) return { kind: 'apiKey', id: key.id, value: key.secret_sealed }
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'auth_secret'])
    .where('auth_secret', 'like', SEALED)
    .limit(1)
    .executeTakeFirst()
  if (account) return { kind: 'account', id: account.id, value: account.auth_secret }
  const hook = await db
    .selectFrom('webhooks')
    .select(['id', 'secret'])
    .where('secret', 'like', SEALED)
    .limit(1)
    .executeTakeFirst()
  if (hook) return { kind: 'webhook', id: hook.id, value: hook.secret }
  // Settings secrets (the JWT signing secret) are JSON strings: '"v1.…"'.
  const setting = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'like', 'secret.%')
    .where('value', 'like', `"${SEALED}`)
    .limit(1)
    .executeTakeFirst()
  if (setting) return { kind: 'setting', key: setting.key, value: JSON.parse(setting.value) }
  return null
}

export { forgetSigningKey, recordedSigningKey } from './repositories/license-files'
