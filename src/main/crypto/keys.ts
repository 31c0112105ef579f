import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { generateKeyPair, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
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
