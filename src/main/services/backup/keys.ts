import { createPublicKey, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { copyDatabaseFile, quickCheck } from '../../db/backup'
import { ed25519PrivateKeyPath, rsaPrivateKeyPath, writeEd25519PrivatePem } from '../../crypto/keys'
import { loadMasterKey, parseMasterKey, seal, unseal } from '../../crypto/seal'

/**
 * What a restore on another machine needs besides the database: master.key (which opens every
 * sealed secret in it), the RSA private key (the identity apps pinned) and the Ed25519 key
 * (license files; absent from bundles made before it existed). Each backup
 * `backup-X.db` gets them beside it as `backup-X.db.keys`, sealed (AES-256-GCM) under the
 * installation's backup key: 32 random bytes in `<data>/backup.key` (0600), made with the
 * first backup. The vendor keeps a copy of backup.key apart from the backups: backups alone
 * (a synced folder, a lost disk) open nothing.
 */

export const BACKUP_KEY_FILE = 'backup.key'
const FORMAT = 'keywarden-backup-keys/1'
const AAD = 'keywarden backup keys'

interface KeysBundle {
  format: typeof FORMAT
  master_key: string
  rsa_private_pem: string
  /** Since #16; older bundles have none (their installation signed no license files). */
  ed25519_private_pem?: string
}

/** The backup key of the installation in `dataDir`, made on first use (same file format as master.key). */
export function loadOrCreateBackupKey(dataDir: string): Buffer {
  const path = join(dataDir, BACKUP_KEY_FILE)
  if (!existsSync(path)) {
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
    chmodSync(path, 0o600)
  }
  return parseMasterKey(readFileSync(path, 'utf8'), path)
}

/**
 * Writes `<backup>.keys` beside a backup database, sealed with `backupKey` (default: the
 * installation's backup.key); returns its path.
 */
export function writeKeysBundle(dataDir: string, backupFile: string, backupKey?: Buffer): string {
  const rsa = rsaPrivateKeyPath(dataDir)
  const bundle: KeysBundle = {
    format: FORMAT,
    master_key: loadMasterKey(dataDir).toString('base64'),
    rsa_private_pem: readFileSync(rsa, 'utf8'),
  }
  const ed = ed25519PrivateKeyPath(dataDir)
  if (existsSync(ed)) bundle.ed25519_private_pem = readFileSync(ed, 'utf8')
  const out = `${backupFile}.keys`
  writeFileSync(
    out,
    seal(backupKey ?? loadOrCreateBackupKey(dataDir), JSON.stringify(bundle), AAD) + '\n',
    {
      mode: 0o600,
    },
  )
  chmodSync(out, 0o600)
  return out
}

/**
 * Makes `dataDir` (empty, or absent) the installation a backup came from: its database, its
 * master.key, its RSA and Ed25519 keys, opened with the backup key text (the content of backup.key).
 * Refuses, touching nothing, when the folder already holds an installation, the keys file is
 * missing, or the backup key does not open it.
 */
export async function restoreInstallation(
  dataDir: string,
  backupFile: string,
  backupKeyText: string,
): Promise<void> {
  const db = join(dataDir, 'keywarden.db')
  if ((existsSync(db) && statSync(db).size > 0) || existsSync(join(dataDir, 'master.key'))) {
    throw new Error(`${dataDir} already holds an installation: restore into an empty data folder`)
  }
  const keysFile = `${backupFile}.keys`
  if (!existsSync(keysFile)) {
    throw new Error(
      `${keysFile} is missing: a restore on another machine needs the keys file beside the backup`,
    )
  }
  let bundle: KeysBundle
  try {
    const key = parseMasterKey(backupKeyText, 'the backup key')
    bundle = JSON.parse(unseal(key, readFileSync(keysFile, 'utf8').trim(), AAD)) as KeysBundle
    if (bundle.format !== FORMAT) throw new Error('unknown format')
    parseMasterKey(bundle.master_key, 'master key')
    createPublicKey(bundle.rsa_private_pem)
    if (bundle.ed25519_private_pem !== undefined) createPublicKey(bundle.ed25519_private_pem)
  } catch {
    throw new Error(
      `${keysFile} does not open with that backup key (the content of backup.key of the installation that made it)`,
    )
  }
  if (quickCheck(backupFile) !== 'ok') throw new Error(`${backupFile} is damaged`)
  mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 })
  chmodSync(dataDir, 0o700)
  writeFileSync(join(dataDir, 'master.key'), bundle.master_key + '\n', { mode: 0o600 })
  writeFileSync(rsaPrivateKeyPath(dataDir), bundle.rsa_private_pem, { mode: 0o600 })
  writeFileSync(
    join(dataDir, 'keys', 'rsa-public.pem'),
    createPublicKey(bundle.rsa_private_pem).export({ type: 'spki', format: 'pem' }).toString(),
    { mode: 0o600 },
  )
  if (bundle.ed25519_private_pem) writeEd25519PrivatePem(dataDir, bundle.ed25519_private_pem)
  // The backup key goes along: later backups of the restored installation open with the same one.
  writeFileSync(join(dataDir, BACKUP_KEY_FILE), backupKeyText.trim() + '\n', { mode: 0o600 })
  await copyDatabaseFile(backupFile, db)
  chmodSync(db, 0o600)
}
