import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {
  generateKeyPair,
  generateKeyPairSync,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
} from 'node:crypto'
import { join } from 'node:path'

/** The server's RSA signing identity: the private key never leaves main. */
export interface RsaKeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`), what the LicenseCM SDKs import. */
  publicPem: string
}

export const RSA_BITS = 4096
const PRIVATE_FILE = 'rsa-private.pem'
const PUBLIC_FILE = 'rsa-public.pem'

/** Where the private key of the installation in `dataDir` lives (PKCS#8 PEM, mode 0600). */
export function rsaPrivateKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', PRIVATE_FILE)
}

function writeOwnerOnly(path: string, text: string): void {
  // Write beside and rename: a crash mid-write never leaves a truncated key behind.
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, text, { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, path)
}

function load(dir: string): RsaKeyPair | null {
  const privPath = join(dir, PRIVATE_FILE)
  if (!existsSync(privPath)) return null
  // A key copied in with loose permissions is tightened, not refused: the vendor keeps working.
  if ((statSync(privPath).mode & 0o077) !== 0) chmodSync(privPath, 0o600)
  const privateKey = createPrivateKey(readFileSync(privPath, 'utf8'))
  const publicKey = createPublicKey(privateKey)
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return { privateKey, publicKey, publicPem }
}

/**
 * Loads the RSA-4096 key pair from `<dataDir>/keys`, generating it on first start (in the
 * libuv thread pool, so the event loop keeps serving). Files and folder are owner-only.
 */
export async function loadOrCreateRsaKeys(dataDir: string): Promise<RsaKeyPair> {
  const dir = join(dataDir, 'keys')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const existing = load(dir)
  if (existing) return existing
  const { privatePem, publicPem } = await new Promise<{ privatePem: string; publicPem: string }>(
    (resolve, reject) =>
      generateKeyPair(
        'rsa',
        {
          modulusLength: RSA_BITS,
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        },
        (err, pub, priv) => (err ? reject(err) : resolve({ privatePem: priv, publicPem: pub })),
      ),
  )
  // Another process on the same data dir may have won the race: keep whichever landed first.
  const raced = load(dir)
  if (raced) return raced
  writeOwnerOnly(join(dir, PRIVATE_FILE), privatePem)
  writeOwnerOnly(join(dir, PUBLIC_FILE), publicPem)
  const privateKey = createPrivateKey(privatePem)
  return { privateKey, publicKey: createPublicKey(privateKey), publicPem }
}

/** The server's Ed25519 identity: signs license files and revocation lists. */
export interface Ed25519KeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
  /** SPKI PEM, what apps pin (`crypto.createPublicKey(pem)` opens it). */
  publicPem: string
}

const ED_PRIVATE_FILE = 'ed25519-private.pem'
const ED_PUBLIC_FILE = 'ed25519-public.pem'

/** Where the Ed25519 private key of the installation in `dataDir` lives (PKCS#8 PEM, 0600). */
export function ed25519PrivateKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', ED_PRIVATE_FILE)
}

function loadEd25519(dir: string): Ed25519KeyPair | null {
  const privPath = join(dir, ED_PRIVATE_FILE)
  if (!existsSync(privPath)) return null
  if ((statSync(privPath).mode & 0o077) !== 0) chmodSync(privPath, 0o600)
  const privateKey = createPrivateKey(readFileSync(privPath, 'utf8'))
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`${privPath} is not an Ed25519 key`)
  const publicKey = createPublicKey(privateKey)
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return { privateKey, publicKey, publicPem }
}

/**
 * Loads the Ed25519 key pair from `<dataDir>/keys`, generating it on first start (beside the
 * RSA pair, same modes). Generation takes microseconds, so it runs inline: the key exists
 * before the first license file could be asked for.
 */
export function loadOrCreateEd25519Keys(dataDir: string): Ed25519KeyPair {
  const dir = join(dataDir, 'keys')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  const existing = loadEd25519(dir)
  if (existing) return existing
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  writeOwnerOnly(
    join(dir, ED_PRIVATE_FILE),
    privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  )
  writeOwnerOnly(join(dir, ED_PUBLIC_FILE), publicPem)
  return { privateKey, publicKey, publicPem }
}

/** Writes a restored Ed25519 private key (and its public half) into `<dataDir>/keys`. */
export function writeEd25519PrivatePem(dataDir: string, privatePem: string): void {
  const dir = join(dataDir, 'keys')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const pub = createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString()
  writeOwnerOnly(join(dir, ED_PRIVATE_FILE), privatePem)
  writeOwnerOnly(join(dir, ED_PUBLIC_FILE), pub)
}
