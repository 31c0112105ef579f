import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Sealing secrets the server must be able to read back, but must not keep in clear.
 *
 * An API key's signing secret is the case in point: verifying an HMAC signature needs the
 * secret itself, so a one-way hash (what we keep for the key) cannot work. Instead the secret
 * is encrypted with AES-256-GCM under an installation master key that lives in its own file
 * (mode 0600) in the data directory, never in the database: a leaked database (a backup, a
 * copied .db file) does not leak the secrets.
 */

const FILE = 'master.key'
const VERSION = 'v1'

/** The key in a master.key file's text; throws naming `path` when it is not one. */
export function parseMasterKey(text: string, path: string): Buffer {
  const trimmed = text.trim()
  const key = Buffer.from(trimmed, 'base64')
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+=*$/.test(trimmed)) {
    throw new Error(`${path} is not a 32-byte base64 master key`)
  }
  return key
}

/** Reads the installation master key, creating it (32 random bytes, 0600) on first use. */
export function loadMasterKey(dataDir: string): Buffer {
  const path = join(dataDir, FILE)
  if (existsSync(path)) return parseMasterKey(readFileSync(path, 'utf8'), path)
  const key = randomBytes(32)
  // 'wx': never overwrite a key another process created a moment ago (that would orphan
  // every secret sealed with it); re-read instead.
  try {
    writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey(dataDir)
    throw e
  }
  chmodSync(path, 0o600)
  return key
}

/**
 * Encrypts `plaintext`. `aad` binds the ciphertext to its owner (e.g. the API key id), so a
 * sealed value copied onto another row does not open.
 * Format: `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export function seal(masterKey: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', masterKey, iv)
  c.setAAD(Buffer.from(aad, 'utf8'))
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()])
  return [VERSION, iv, c.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.')
}

/** Decrypts a value from `seal`; throws if it was tampered with or sealed for another `aad`. */
export function unseal(masterKey: Buffer, sealed: string, aad: string): string {
  const [v, iv, tag, ct] = sealed.split('.')
  if (v !== VERSION || !iv || !tag || ct === undefined) throw new Error('not a sealed value')
  const d = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'))
  d.setAAD(Buffer.from(aad, 'utf8'))
  d.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8')
}

/** True for a value made by `seal` (`v1.<iv>.<tag>.<ciphertext>`). */
export function isSealed(value: string): boolean {
  const parts = value.split('.')
  return parts.length === 4 && parts[0] === VERSION
}

/**
 * The secrets in the database that the server must read back (product secret keys, SellRealm
 * secrets, webhook signing secrets, the JWT signing secret), sealed under master.key. Each is
 * bound (`aad`) to its table, column and row, so a sealed value copied elsewhere does not open.
 */
export interface SecretBox {
  seal(plaintext: string, aad: string): string
  /** Opens a sealed value; a value stored in clear by a release before 0004 is read as it is. */
  open(stored: string, aad: string): string
}

const OPEN_CACHE = 10_000

export function createSecretBox(dataDir: string): SecretBox {
  let master: Buffer | null = null
  const key = () => (master ??= loadMasterKey(dataDir))
  // Hot paths (every signed client request opens its product's secret) read from here.
  const opened = new Map<string, string>()
  return {
    seal: (plaintext, aad) => seal(key(), plaintext, aad),
    open(stored, aad) {
      if (!isSealed(stored)) return stored
      const id = `${aad}\u0000${stored}`
      const known = opened.get(id)
      if (known !== undefined) return known
      const plain = unseal(key(), stored, aad)
      if (opened.size >= OPEN_CACHE) opened.clear()
      opened.set(id, plain)
      return plain
    },
  }
}

/** The `aad` each sealed database secret is bound to. */
export const sealedAad = {
  productSecret: (productId: string) => `products.secret_key:${productId}`,
  authSecret: (accountId: string) => `accounts.auth_secret:${accountId}`,
  storeSecret: (accountId: string) => `accounts.store_secret:${accountId}`,
  installationAuthSecret: 'settings.sellrealm.installation_secrets:auth_secret',
  installationStoreSecret: 'settings.sellrealm.installation_secrets:store_secret',
  webhookSecret: (webhookId: string) => `webhooks.secret:${webhookId}`,
  webhookPreviousSecret: (webhookId: string) => `webhooks.previous_secret:${webhookId}`,
  setting: (key: string) => `settings:${key}`,
  hirezAuthKey: (devId: number) => `hirez_developers.auth_key:${devId}`,
}
