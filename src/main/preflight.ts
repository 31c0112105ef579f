import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
} from 'node:fs'
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { inspectDatabaseFile, type DatabaseFileFacts } from './db/backup'
import {
  forgetSigningKey,
  installationFacts,
  recordedSigningKey,
  type SealedSample,
} from './db/installation'
import type { Db } from './db/types'
import { ed25519PrivateKeyPath, rsaPrivateKeyPath } from './crypto/keys'
import { parseMasterKey, sealedAad, unseal } from './crypto/seal'

/**
 * A data folder that cannot be served as it is. The message is one line: the file, what is
 * wrong with it, and the way out. `npm run serve` prints it and exits 1; nothing else is tried.
 */
export class DataFolderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DataFolderError'
  }
}

export const DATABASE_FILE = 'keywarden.db'
const RESTORE =
  'restore a backup (copy a file from backups/ and the keys of that installation into the data folder)'
const RESET = 'or start with `npm run serve -- --reset-identity` to deliberately make new keys'

export interface PreflightOptions {
  /** Deliberately replace a missing or damaged RSA identity with a new one. */
  resetIdentity?: boolean
  /**
   * The database when it is not the data folder's SQLite file (a postgres:// URL): the file
   * checks do not apply, and the keys are checked here for soundness only; checkKeysAgainst
   * checks them against what the database holds once it is open.
   */
  database?: string
}

type DatabaseFacts = DatabaseFileFacts

/**
 * mkdir -p one level at a time. Node's `mkdirSync(dir, { recursive: true })` never returns when
 * mkdir answers ENOENT under a parent that exists (a pseudo file system: `--data /proc/x`), so
 * the server would hang silently instead of saying it cannot create the folder.
 */
function makeFolders(dir: string): void {
  if (existsSync(dir)) return
  const parent = dirname(dir)
  if (parent !== dir) makeFolders(parent)
  try {
    mkdirSync(dir, { mode: 0o700 })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
}

/** Owner-only: the data folder 0700, every file Keywarden keeps in it 0600. */
export function tightenDataFolder(dataDir: string): void {
  try {
    makeFolders(resolve(dataDir))
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    throw new DataFolderError(
      `cannot create the data folder ${dataDir} (${err.code ?? err.message} at ${err.path ?? dataDir}): ` +
        'choose a folder the user running Keywarden may create, with --data DIR or KEYWARDEN_DATA',
    )
  }
  chmodSync(dataDir, 0o700)
  for (const dir of ['keys', 'backups']) {
    const p = join(dataDir, dir)
    if (existsSync(p)) chmodSync(p, 0o700)
  }
  const files = [
    DATABASE_FILE,
    `${DATABASE_FILE}-wal`,
    `${DATABASE_FILE}-shm`,
    'master.key',
    'backup.key',
  ]
  for (const f of files) {
    const p = join(dataDir, f)
    if (existsSync(p)) chmodOwnerOnly(p)
  }
}

/** chmod 0600, keeping a file the owner marked read-only read-only (the write check reports it). */
function chmodOwnerOnly(path: string): void {
  const mode = statSync(path).mode & 0o777
  chmodSync(path, mode & 0o200 ? 0o600 : 0o400)
}

function isWritable(path: string): boolean {
  // The owner's write bit as well as access(2): root passes access(2) for a read-only file.
  if ((statSync(path).mode & 0o200) === 0) return false
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

function inspectDatabase(file: string): DatabaseFacts {
  try {
    return inspectDatabaseFile(file)
  } catch (e) {
    throw new DataFolderError(
      `${file} is damaged (${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')}): ${RESTORE}`,
    )
  }
}

/**
 * The keys an installation cannot do without: an RSA identity once the database holds an
 * installation (unless `resetIdentity`), master.key once it holds sealed rows. `database`
 * names it in the message (the SQLite file, or the URL without its password).
 */
function requireKeys(
  dataDir: string,
  facts: DatabaseFacts,
  database: string,
  opts: PreflightOptions,
): void {
  const rsa = rsaPrivateKeyPath(dataDir)
  if (!existsSync(rsa) && facts.installed && !opts.resetIdentity) {
    throw new DataFolderError(
      `${rsa} is missing but ${database} holds an installation: ` +
        `every app that pinned the old public key would stop verifying; ${RESTORE}, ${RESET}`,
    )
  }
  const master = join(dataDir, 'master.key')
  if (!existsSync(master) && facts.sealed) {
    throw new DataFolderError(
      `${master} is missing but the database holds secrets sealed with it: ` +
        `restore master.key from the backup of this installation (it cannot be made anew)`,
    )
  }
}

/** The RSA key, when there is one, loads and test-signs (else refuses, or with `resetIdentity` is set aside). */
function checkRsaKey(dataDir: string, opts: PreflightOptions): void {
  const path = rsaPrivateKeyPath(dataDir)
  if (!existsSync(path)) return // a fresh install (or a deliberate reset) makes a new key
  try {
    const privateKey = createPrivateKey(readFileSync(path, 'utf8'))
    if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key')
    const probe = Buffer.from('keywarden preflight')
    const sig = sign('sha512', probe, privateKey)
    if (!verify('sha512', probe, createPublicKey(privateKey), sig))
      throw new Error('test signature does not verify')
  } catch (e) {
    if (opts.resetIdentity) {
      // Kept beside, not deleted: a reset by mistake can still be undone by hand.
      renameSync(path, `${path}.replaced-${Date.now()}`)
      return
    }
    throw new DataFolderError(
      `${path} is not a usable RSA private key (${e instanceof Error ? e.message : String(e)}): ${RESTORE}, ${RESET}`,
    )
  }
}

/** The Ed25519 key, when there is one, loads and test-signs (else refuses, or with `resetIdentity` is set aside). */
function checkEd25519Key(dataDir: string, opts: PreflightOptions): void {
  const path = ed25519PrivateKeyPath(dataDir)
  if (!existsSync(path)) return
  try {
    const privateKey = createPrivateKey(readFileSync(path, 'utf8'))
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key')
    const probe = Buffer.from('keywarden preflight')
    if (!verify(null, probe, createPublicKey(privateKey), sign(null, probe, privateKey)))
      throw new Error('test signature does not verify')
  } catch (e) {
    if (opts.resetIdentity) {
      renameSync(path, `${path}.replaced-${Date.now()}`)
      return
    }
    throw new DataFolderError(
      `${path} is not a usable Ed25519 private key (${e instanceof Error ? e.message : String(e)}): ${RESTORE}, ${RESET}`,
    )
  }
}

/**
 * The folder's Ed25519 key against the public key the database recorded when it first signed
 * with one (license files, revocation lists): missing, or another installation's, refuses,
 * since apps pinned the recorded one. `--reset-identity` forgets the record instead (the
 * folder's key, or a new one, is recorded at start).
 */
async function checkEd25519Against(
  dataDir: string,
  db: Db,
  database: string,
  opts: PreflightOptions,
): Promise<void> {
  const recorded = await recordedSigningKey(db, 'ed25519')
  if (!recorded) return
  const path = ed25519PrivateKeyPath(dataDir)
  let problem: string | null = null
  if (!existsSync(path))
    problem = `${path} is missing but ${database} holds an installation that signs license files with it`
  else {
    const pem = createPublicKey(readFileSync(path, 'utf8'))
      .export({ type: 'spki', format: 'pem' })
      .toString()
    if (pem.trim() !== recorded.trim())
      problem = `${path} is not the Ed25519 key ${database} signs license files with (it is another installation's key)`
  }
  if (!problem) return
  if (opts.resetIdentity) return forgetSigningKey(db, 'ed25519')
  throw new DataFolderError(
    `${problem}: every app that pinned the public key would refuse new license files; ${RESTORE}, ${RESET}`,
  )
}

/** master.key, when there is one, is a 32-byte base64 key. */
function checkMasterKey(dataDir: string): void {
  const path = join(dataDir, 'master.key')
  if (!existsSync(path)) return
  try {
    parseMasterKey(readFileSync(path, 'utf8'), path)
  } catch (e) {
    throw new DataFolderError(
      `${e instanceof Error ? e.message : String(e)}: restore master.key from the backup of this installation (it cannot be made anew)`,
    )
  }
}

/** The `aad` a sealed sample was sealed for (crypto/seal `sealedAad`; API keys: their id). */
function aadOf(s: SealedSample): string {
  switch (s.kind) {
    case 'product':
      return sealedAad.productSecret(s.id)
    case 'apiKey':
      return s.id
    case 'account':
      return sealedAad.authSecret(s.id)
    case 'webhook':
      return sealedAad.webhookSecret(s.id)
    case 'setting':
      return sealedAad.setting(s.key)
  }
}

/**
 * The data folder's keys against what the open database holds, on either dialect (run by
 * startRuntime after the store opens, before any service may make a key): on PostgreSQL a
 * node's folder is not beside the database, so a folder without master.key or the RSA key
 * (a new node set up by mistake) would otherwise look like a fresh install and make new keys,
 * and a folder with another installation's master.key would seal new secrets with it. Both
 * refuse with one line, as preflight does for the SQLite file. `database` names the database
 * in the message (the URL without its password).
 */
export async function checkKeysAgainst(
  dataDir: string,
  db: Db,
  database: string,
  opts: PreflightOptions = {},
): Promise<void> {
  const facts = await installationFacts(db)
  requireKeys(dataDir, facts, database, opts)
  await checkEd25519Against(dataDir, db, database, opts)
  const path = join(dataDir, 'master.key')
  if (!facts.sample || !existsSync(path)) return
  try {
    unseal(
      parseMasterKey(readFileSync(path, 'utf8'), path),
      facts.sample.value,
      aadOf(facts.sample),
    )
  } catch {
    throw new DataFolderError(
      `${path} does not open the secrets ${database} holds (it is another installation's key): ` +
        `restore master.key from the backup of this installation (it cannot be made anew)`,
    )
  }
}

/**
 * Everything a start checks before it serves, so that a damaged data folder refuses to start
 * with one clear line instead of answering 500s: write access to the database, SQLite's
 * quick_check, a 0-byte database next to existing keys, the RSA key (loaded and test-signed),
 * master.key. Something that existed before and is missing or damaged is never silently
 * replaced (except the RSA key with `resetIdentity`).
 */
export function preflight(dataDir: string, opts: PreflightOptions = {}): void {
  tightenDataFolder(dataDir)
  const file = join(dataDir, DATABASE_FILE)
  let facts: DatabaseFacts = { installed: false, sealed: false }
  if (!opts.database && existsSync(file)) {
    if (!isWritable(file)) {
      throw new DataFolderError(
        `${file} is read-only: make it writable by the user running Keywarden (chmod u+w) and start again`,
      )
    }
    if (statSync(file).size === 0) {
      const keysExist =
        existsSync(rsaPrivateKeyPath(dataDir)) || existsSync(join(dataDir, 'master.key'))
      if (keysExist) {
        throw new DataFolderError(
          `${file} is empty (0 bytes) but the keys of an installation are beside it: the data is lost, not new; ${RESTORE}`,
        )
      }
    } else {
      facts = inspectDatabase(file)
    }
  }
  // Against the SQLite file before it opens (nothing is migrated or written for a refusal);
  // checkKeysAgainst repeats this on the open store, for PostgreSQL.
  requireKeys(dataDir, facts, file, opts)
  checkRsaKey(dataDir, opts)
  checkEd25519Key(dataDir, opts)
  checkMasterKey(dataDir)
}
