import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'

/**
 * Offline license files, in Keygen's certificate format so existing verification code carries
 * over: `-----BEGIN LICENSE FILE-----`, the base64 of `{"enc","sig","alg"}` wrapped at 60
 * characters (as Keygen's Ruby `Base64.encode64` wraps), `-----END LICENSE FILE-----`.
 * - `alg: "base64+ed25519"`: `enc` is the base64 of the payload JSON.
 * - `alg: "aes-256-gcm+ed25519"`: `enc` is `ciphertext.iv.tag`, each base64 (12-byte IV,
 *   16-byte tag), AES-256-GCM under SHA-256 of the UTF-8 license key (license-wide files) or
 *   of the license key followed by the machine fingerprint (machine files), as Keygen keys
 *   its license and machine files.
 * - `sig`: base64 Ed25519 signature of the UTF-8 bytes `"license/" + enc` (signed after
 *   encryption: a file is checked before anything is decrypted).
 */

export const FILE_HEADER = '-----BEGIN LICENSE FILE-----'
export const FILE_FOOTER = '-----END LICENSE FILE-----'
export const SIGNING_PREFIX = 'license/'
/** Revocation lists are signed under their own prefix: a list never verifies as a file. */
export const LIST_PREFIX = 'revocations/'

export type LicenseFileAlg = 'base64+ed25519' | 'aes-256-gcm+ed25519'

/** The decoded certificate. */
export interface LicenseFileCertificate {
  enc: string
  sig: string
  alg: LicenseFileAlg
}

/** The key a file is encrypted under: SHA-256(license key [+ machine fingerprint]). */
export function licenseFileKey(licenseKey: string, fingerprint?: string | null): Buffer {
  return createHash('sha256')
    .update(licenseKey + (fingerprint ?? ''), 'utf8')
    .digest()
}

function wrap(b64: string, width = 60): string {
  const lines: string[] = []
  for (let i = 0; i < b64.length; i += width) lines.push(b64.slice(i, i + width))
  return lines.join('\n')
}

/** Signs (and with `encryptWith` encrypts) `payload` into an armoured license file. */
export function encodeLicenseFile(
  payload: unknown,
  privateKey: KeyObject,
  encryptWith?: Buffer,
): string {
  const plain = Buffer.from(JSON.stringify(payload), 'utf8')
  let enc: string
  let alg: LicenseFileAlg
  if (encryptWith) {
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', encryptWith, iv)
    const ct = Buffer.concat([c.update(plain), c.final()])
    enc = [ct, iv, c.getAuthTag()].map((b) => b.toString('base64')).join('.')
    alg = 'aes-256-gcm+ed25519'
  } else {
    enc = plain.toString('base64')
    alg = 'base64+ed25519'
  }
  const sig = sign(null, Buffer.from(SIGNING_PREFIX + enc, 'utf8'), privateKey).toString('base64')
  const cert = Buffer.from(JSON.stringify({ enc, sig, alg }), 'utf8').toString('base64')
  return `${FILE_HEADER}\n${wrap(cert)}\n${FILE_FOOTER}\n`
}

/** The certificate inside an armoured file, or null when the text is not one. */
export function parseLicenseFile(text: string): LicenseFileCertificate | null {
  const m = /-----BEGIN LICENSE FILE-----([\s\S]*?)-----END LICENSE FILE-----/.exec(text)
  if (!m) return null
  try {
    const json = JSON.parse(Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8'))
    if (typeof json?.enc !== 'string' || typeof json?.sig !== 'string') return null
    if (json.alg !== 'base64+ed25519' && json.alg !== 'aes-256-gcm+ed25519') return null
    return { enc: json.enc, sig: json.sig, alg: json.alg }
  } catch {
    return null
  }
}

/** Whether the certificate's signature holds under `publicKey`. */
export function verifyCertificate(cert: LicenseFileCertificate, publicKey: KeyObject): boolean {
  try {
    return verify(
      null,
      Buffer.from(SIGNING_PREFIX + cert.enc, 'utf8'),
      publicKey,
      Buffer.from(cert.sig, 'base64'),
    )
  } catch {
    return false
  }
}

/** The payload of a verified certificate (decrypted with `key` when encrypted); throws when it does not open. */
export function openCertificate(cert: LicenseFileCertificate, key?: Buffer): unknown {
  if (cert.alg === 'base64+ed25519') {
    return JSON.parse(Buffer.from(cert.enc, 'base64').toString('utf8'))
  }
  if (!key) throw new Error('an encrypted license file needs its key')
  const [ct, iv, tag] = cert.enc.split('.').map((p) => Buffer.from(p, 'base64'))
  const d = createDecipheriv('aes-256-gcm', key, iv)
  d.setAuthTag(tag)
  return JSON.parse(Buffer.concat([d.update(ct), d.final()]).toString('utf8'))
}

/** A signed document that is not a license file (the revocation list): `{enc, sig, alg}` JSON. */
export function signDocument(
  payload: unknown,
  privateKey: KeyObject,
  prefix = LIST_PREFIX,
): LicenseFileCertificate {
  const enc = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64')
  const sig = sign(null, Buffer.from(prefix + enc, 'utf8'), privateKey).toString('base64')
  return { enc, sig, alg: 'base64+ed25519' }
}
