import { createDecipheriv, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import {
  ClockTamperError,
  LicenseFileDecryptError,
  LicenseFileExpiredError,
  LicenseFileInvalidError,
  LicenseFileMachineError,
  LicenseFileRevokedError,
  RevocationListInvalidError,
} from './errors.js'

/** What a license file says (a snapshot of the license at check-out). */
export interface LicenseFilePayload {
  id: string
  license: {
    id: string
    product_id: string
    /** hex SHA-256 of the license key. */
    key_sha256: string
    type: string
    status: string
    level: number
    max_uses: number
    hwid_locked: boolean
    expires_at: string | null
    metadata: Record<string, unknown>
  }
  /** The machine the file is bound to, or null for a license-wide file. */
  machine: { id: string | null; fingerprint: string } | null
  entitlements: string[]
  issued: string
  expiry: string
  ttl: number
}

/** The signed revocation list (GET /api/client/revocations). */
export interface RevocationList {
  format: 'keywarden-revocations/1'
  issued: string
  /** Issue time in ms: keep the highest seen, refuse lower ones. */
  sequence: number
  valid_until: string
  licenses: { id: string; status: string; since: string | null }[]
  files: { id: string; license_id: string; revoked_at: string; reason: string | null }[]
}

/** `{enc, sig, alg}`: the certificate of a file, and the shape of a signed list. */
export interface SignedDocument {
  enc: string
  sig: string
  alg: string
}

export interface VerifyFileOptions {
  /** The Ed25519 public key pinned in the app (SPKI PEM or a KeyObject). */
  publicKey: string | KeyObject
  /** Needed to open an encrypted file, and checked against the file's key digest. */
  licenseKey?: string
  /** This machine's fingerprint: a machine-bound file must name it (and it opens encrypted machine files). */
  fingerprint?: string
  /** Now, ms (default Date.now()). */
  now?: number
  /**
   * The latest time (ms) the app has seen, persisted by the app between runs. A clock more
   * than `clockToleranceMs` behind it (or behind the file's issue time) is refused: someone
   * set the clock back to stretch an expired file.
   */
  lastSeen?: number | null
  /** Allowed clock skew, ms (default 5 min). */
  clockToleranceMs?: number
  /** A verified revocation list: a file (or license) on it is refused. */
  revocations?: RevocationList | null
}

export interface VerifiedFile {
  payload: LicenseFilePayload
  /** Persist this as the new `lastSeen` (the later of now and the previous one). */
  lastSeen: number
}

const FILE_RE = /-----BEGIN LICENSE FILE-----([\s\S]*?)-----END LICENSE FILE-----/
const B64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Strict base64: padding and unused bits canonical, so one text has one meaning. */
function strictBase64(s: string): Buffer | null {
  if (!B64.test(s) || s.length % 4 !== 0) return null
  const b = Buffer.from(s, 'base64')
  return b.toString('base64') === s ? b : null
}

function keyOf(k: string | KeyObject): KeyObject {
  return typeof k === 'string' ? createPublicKey(k) : k
}

/** Verifies `{enc, sig}` under `prefix` ("license/" for files, "revocations/" for lists). */
export function verifySigned(doc: SignedDocument, publicKey: string | KeyObject, prefix: string) {
  const sig = typeof doc.sig === 'string' ? strictBase64(doc.sig) : null
  if (!sig || sig.length !== 64 || typeof doc.enc !== 'string') return false
  try {
    return verify(null, Buffer.from(prefix + doc.enc, 'utf8'), keyOf(publicKey), sig)
  } catch {
    return false
  }
}

/** The certificate inside an armoured license file (no verification). */
export function parseLicenseFile(text: string): SignedDocument {
  const m = FILE_RE.exec(text)
  const raw = m ? strictBase64(m[1].replace(/\s+/g, '')) : null
  if (!raw) throw new LicenseFileInvalidError('Not a license file')
  try {
    const cert = JSON.parse(raw.toString('utf8'))
    if (
      typeof cert?.enc === 'string' &&
      typeof cert?.sig === 'string' &&
      typeof cert?.alg === 'string'
    )
      return { enc: cert.enc, sig: cert.sig, alg: cert.alg }
  } catch {
    /* falls through */
  }
  throw new LicenseFileInvalidError('Not a license file')
}

/** The AES-256-GCM key of an encrypted file: SHA-256(license key + fingerprint). */
export function licenseFileKey(licenseKey: string, fingerprint?: string | null): Buffer {
  return createHash('sha256')
    .update(licenseKey + (fingerprint ?? ''), 'utf8')
    .digest()
}

function open(cert: SignedDocument, opts: VerifyFileOptions): LicenseFilePayload {
  if (cert.alg === 'base64+ed25519') {
    const b = strictBase64(cert.enc)
    if (!b) throw new LicenseFileInvalidError('Not a license file')
    return JSON.parse(b.toString('utf8')) as LicenseFilePayload
  }
  if (cert.alg !== 'aes-256-gcm+ed25519')
    throw new LicenseFileInvalidError(`Unknown license file algorithm ${cert.alg}`)
  if (!opts.licenseKey)
    throw new LicenseFileDecryptError('An encrypted license file needs the license key')
  const parts = cert.enc.split('.').map(strictBase64)
  if (parts.length !== 3 || parts.some((p) => !p))
    throw new LicenseFileInvalidError('Not a license file')
  const [ct, iv, tag] = parts as Buffer[]
  // A license-wide file is keyed by the license key alone, a machine file by key + fingerprint.
  for (const fp of opts.fingerprint ? [opts.fingerprint, null] : [null]) {
    try {
      const d = createDecipheriv('aes-256-gcm', licenseFileKey(opts.licenseKey, fp), iv)
      d.setAuthTag(tag)
      return JSON.parse(Buffer.concat([d.update(ct), d.final()]).toString('utf8'))
    } catch {
      /* the next key, or the refusal below */
    }
  }
  throw new LicenseFileDecryptError(
    'The license file does not open with this license key and machine',
  )
}

/**
 * Verifies a license file offline: armour, Ed25519 signature against the pinned key (before
 * anything is decrypted), decryption, license key digest, machine, clock tamper, expiry and
 * the revocation list. Throws the typed error of the first check that fails.
 */
export function verifyLicenseFile(text: string, opts: VerifyFileOptions): VerifiedFile {
  const cert = parseLicenseFile(text)
  if (!verifySigned(cert, opts.publicKey, 'license/')) {
    throw new LicenseFileInvalidError('The license file signature does not verify')
  }
  let payload: LicenseFilePayload
  try {
    payload = open(cert, opts)
  } catch (e) {
    if (e instanceof LicenseFileInvalidError || e instanceof LicenseFileDecryptError) throw e
    throw new LicenseFileInvalidError('Not a license file')
  }
  if (opts.licenseKey) {
    const digest = createHash('sha256').update(opts.licenseKey, 'utf8').digest('hex')
    if (payload.license?.key_sha256 !== digest)
      throw new LicenseFileInvalidError('The license file is for another license key')
  }
  if (
    payload.machine &&
    opts.fingerprint !== undefined &&
    payload.machine.fingerprint !== opts.fingerprint
  ) {
    throw new LicenseFileMachineError('The license file is bound to another machine')
  }
  const now = opts.now ?? Date.now()
  const tolerance = opts.clockToleranceMs ?? 5 * 60_000
  const issued = Date.parse(payload.issued)
  if (now + tolerance < issued || (opts.lastSeen != null && now + tolerance < opts.lastSeen)) {
    throw new ClockTamperError('The system clock is behind the last time this app saw')
  }
  if (!(Date.parse(payload.expiry) > now)) {
    throw new LicenseFileExpiredError(`The license file expired at ${payload.expiry}`)
  }
  const rl = opts.revocations
  if (rl) {
    if (rl.files.some((f) => f.id === payload.id))
      throw new LicenseFileRevokedError('The license file was revoked')
    const l = rl.licenses.find((x) => x.id === payload.license.id)
    if (l) throw new LicenseFileRevokedError(`The license is ${l.status}`)
  }
  return { payload, lastSeen: Math.max(now, opts.lastSeen ?? 0) }
}

/**
 * Verifies a revocation list: signature under "revocations/" with the pinned key, format,
 * not older than the last one seen (`lastSequence`: a replayed old list would un-revoke), and
 * not past `valid_until` (a stale list: fetch a new one, or decide offline policy yourself).
 */
export function verifyRevocationList(
  doc: SignedDocument,
  opts: { publicKey: string | KeyObject; now?: number; lastSequence?: number | null },
): RevocationList {
  if (!verifySigned(doc, opts.publicKey, 'revocations/'))
    throw new RevocationListInvalidError('The revocation list signature does not verify')
  const b = strictBase64(doc.enc)
  const list = b ? (JSON.parse(b.toString('utf8')) as RevocationList) : null
  if (!list || list.format !== 'keywarden-revocations/1')
    throw new RevocationListInvalidError('Not a revocation list')
  if (opts.lastSequence != null && list.sequence < opts.lastSequence)
    throw new RevocationListInvalidError('The revocation list is older than one already seen')
  if (!(Date.parse(list.valid_until) > (opts.now ?? Date.now())))
    throw new RevocationListInvalidError('The revocation list is stale')
  return list
}

/**
 * The request file of an air-gapped activation, for the vendor's console (Licenses →
 * Offline activation). Not signed: the license key it carries is what the vendor checks.
 */
export function createLicenseRequest(r: {
  licenseKey: string
  fingerprint: string
  productId?: string
  now?: number
}): string {
  const json = JSON.stringify({
    format: 'keywarden-license-request/1',
    license_key: r.licenseKey,
    fingerprint: r.fingerprint,
    ...(r.productId && { product_id: r.productId }),
    created: new Date(r.now ?? Date.now()).toISOString(),
  })
  const b64 = Buffer.from(json, 'utf8').toString('base64')
  const lines = b64.match(/.{1,60}/g) ?? []
  return `-----BEGIN LICENSE REQUEST-----\n${lines.join('\n')}\n-----END LICENSE REQUEST-----\n`
}
