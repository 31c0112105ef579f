import { createHash } from 'node:crypto'
import type { LicenseDto } from '@shared/dto'
import { DomainError } from '@shared/errors'
import type {
  CheckoutOptions,
  IssuedLicenseFile,
  LicenseFileDto,
  RevocationListDto,
} from '@shared/license-files'
import * as repo from '../../db/repositories/license-files'
import { findLicenseByKey } from '../../db/repositories/licenses'
import { loadOrCreateEd25519Keys, type Ed25519KeyPair } from '../../crypto/keys'
import { encodeLicenseFile, licenseFileKey, signDocument } from '../../crypto/license-file'
import { uuidv7 } from '../../crypto/random'
import { type Actor, nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { LicensesService } from '../licenses'
import type { LicenseView, LicensingService } from '../licensing'
import { parseLicenseRequest } from './request'

/** Keygen's default and bounds for a file's time to live (seconds). */
export const DEFAULT_TTL = 30 * 86_400
export const MIN_TTL = 3_600
export const MAX_TTL = 366 * 86_400
/** How long a revocation list is to be trusted without a newer one (seconds). */
export const LIST_VALID_SECONDS = 24 * 3_600

type Source = 'api' | 'client' | 'console' | 'request'

/** What a file says about its license: a snapshot at check-out. */
function licenseOf(l: LicenseView | LicenseDto) {
  const key = 'key' in l ? l.key : l.license_key
  const metadata = l.metadata ?? {}
  return {
    id: l.id,
    product_id: l.product_id,
    key_sha256: createHash('sha256').update(key, 'utf8').digest('hex'),
    type: l.type,
    status: l.status,
    level: l.level,
    max_uses: l.max_uses,
    hwid_locked: l.hwid_locked,
    expires_at: l.expires_at,
    metadata,
  }
}

/** The license's entitlements: its metadata's `entitlements` (strings), else none. */
function entitlementsOf(metadata: Record<string, unknown>): string[] {
  const e = metadata.entitlements
  return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : []
}

function refuseStatus(status: string): void {
  if (status === 'banned') throw new DomainError('LICENSE_BANNED', 'Key has been banned')
  if (status === 'suspended') throw new DomainError('LICENSE_SUSPENDED', 'License is suspended')
  if (status === 'expired') throw new DomainError('LICENSE_EXPIRED', 'License has expired')
}

/**
 * Offline license files (crypto/license-file for the format): check-out for the vendor (API,
 * console, an air-gapped request) and for a running app (license key + machine, decided by
 * the licensing engine like a validate), the issued files and their revocation, and the signed
 * revocation list. Signs with the server's Ed25519 key, recorded in the database at start.
 */
export function createLicenseFilesService(
  ctx: ServiceContext,
  deps: { licenses: LicensesService; licensing: LicensingService; events: EventsService },
) {
  let keys: Ed25519KeyPair | null = null
  const key = (): Ed25519KeyPair => {
    if (!keys) throw new Error('The Ed25519 key is not loaded yet')
    return keys
  }

  async function issue(
    license: LicenseView | LicenseDto,
    licenseKey: string,
    fingerprint: string | null,
    opts: CheckoutOptions,
    source: Source,
    machineId: string | null,
  ): Promise<IssuedLicenseFile> {
    const now = ctx.clock()
    const ttl = opts.ttl ?? DEFAULT_TTL
    if (!Number.isInteger(ttl) || ttl < MIN_TTL || ttl > MAX_TTL) {
      throw new DomainError('VALIDATION_ERROR', `ttl: must be ${MIN_TTL}-${MAX_TTL} seconds`)
    }
    // A file outlives neither its TTL nor its license.
    let expiry = now.getTime() + ttl * 1000
    if (license.expires_at) expiry = Math.min(expiry, Date.parse(license.expires_at))
    const id = uuidv7(now.getTime())
    const issued = now.toISOString()
    const expires = new Date(expiry).toISOString()
    const lic = licenseOf(license)
    const payload = {
      id,
      license: lic,
      machine: fingerprint ? { id: machineId, fingerprint } : null,
      entitlements: entitlementsOf(lic.metadata),
      issued,
      expiry: expires,
      ttl,
    }
    const encryptWith = opts.encrypt ? licenseFileKey(licenseKey, fingerprint) : undefined
    const file = encodeLicenseFile(payload, key().privateKey, encryptWith)
    const alg = encryptWith ? 'aes-256-gcm+ed25519' : 'base64+ed25519'
    await ctx.tx(async (trx) => {
      await repo.insertLicenseFile(trx, {
        id,
        license_id: license.id,
        product_id: license.product_id,
        machine_fingerprint: fingerprint,
        alg,
        issued_at: issued,
        expires_at: expires,
        source,
        revoked_at: null,
        revoked_reason: null,
      })
    })
    await deps.events.record({
      type: 'license_file.issued',
      productId: license.product_id,
      licenseId: license.id,
      machineId,
      hwid: fingerprint,
      details: { file_id: id, alg, source, expires_at: expires, ttl },
    })
    return {
      id,
      file,
      alg,
      issued_at: issued,
      expires_at: expires,
      machine_fingerprint: fingerprint,
    }
  }

  /** The vendor's check-out: a license-wide file, or one bound to `fingerprint` (activating it). */
  async function checkOut(
    actor: Actor,
    licenseId: string,
    opts: CheckoutOptions & { fingerprint?: string | null },
    source: Source,
  ): Promise<IssuedLicenseFile> {
    const l = await deps.licenses.get(actor, licenseId)
    refuseStatus(l.status)
    const fp = opts.fingerprint ?? null
    if (!fp) return issue(l, l.license_key, null, opts, source, null)
    // Binding the machine is the engine's decision (its limits and refusals), as online.
    const a = await deps.licensing.activate({
      licenseKey: l.license_key,
      hwid: fp,
      ip: null,
      userAgent: null,
      protocol: 'licensecm',
      clientData: { offline_activation: source },
    })
    return issue(a.license, l.license_key, fp, opts, source, a.machineId)
  }

  return {
    /** Loads (or makes) the Ed25519 key and records its public half; refuses another node's. */
    async ready(): Promise<void> {
      const k = loadOrCreateEd25519Keys(ctx.dataDir)
      const recorded = await ctx.tx((trx) =>
        repo.recordSigningKey(trx, 'ed25519', k.publicPem, nowIso(ctx)),
      )
      if (recorded.trim() !== k.publicPem.trim()) {
        throw new Error(
          'The database signs license files with another Ed25519 key than this data folder holds (another node made its own at the same moment): copy keys/ from the first node',
        )
      }
      keys = k
    },

    /** SPKI PEM of the Ed25519 key, or null before ready(). */
    publicKeyPem: (): string | null => keys?.publicPem ?? null,

    /** The vendor's check-out (management API, console). */
    checkOut: (
      actor: Actor,
      licenseId: string,
      opts: CheckoutOptions & { fingerprint?: string | null },
      source: 'api' | 'console' = 'api',
    ) => checkOut(actor, licenseId, opts, source),

    /** Air-gapped activation: the app's request file in, a license file bound to its machine out. */
    async fromRequest(
      actor: Actor,
      text: string,
      opts: CheckoutOptions,
      onlyProduct?: string,
    ): Promise<IssuedLicenseFile & { license_id: string }> {
      const req = parseLicenseRequest(text)
      const row = await findLicenseByKey(ctx.db, req.license_key)
      // A product-bound API key sees another product's key as no key at all.
      if (!row || (onlyProduct && row.product_id !== onlyProduct)) {
        throw new DomainError('LICENSE_NOT_FOUND', 'Invalid license key')
      }
      if (req.product_id && req.product_id !== row.product_id) {
        throw new DomainError('PRODUCT_NOT_FOUND', 'License does not belong to this product')
      }
      const f = await checkOut(actor, row.id, { ...opts, fingerprint: req.fingerprint }, 'request')
      return { ...f, license_id: row.id }
    },

    /**
     * A running app's check-out with its key and machine: the engine validates exactly as
     * `/client/validate` (a banned, expired, over-limit key is refused the same way), and the
     * machine must already be activated (it holds a slot).
     */
    async forClient(
      req: {
        licenseKey: string
        productId: string
        hwid: string
        ip: string | null
        userAgent: string | null
      },
      opts: CheckoutOptions,
    ): Promise<IssuedLicenseFile> {
      const v = await deps.licensing.validate({ ...req, protocol: 'licensecm' })
      if (!v.machineId) {
        throw new DomainError(
          'VALIDATION_ERROR',
          'hwid: this machine is not activated; activate it before checking out a license file',
        )
      }
      return issue(v.license, req.licenseKey, req.hwid, opts, 'client', v.machineId)
    },

    async list(actor: Actor, licenseId: string): Promise<LicenseFileDto[]> {
      await deps.licenses.get(actor, licenseId)
      return (await repo.listLicenseFiles(ctx.db, licenseId)).map((r) => ({ ...r }))
    },

    /** Revokes one file: it goes on the revocation list until it expires. */
    async revoke(
      actor: Actor,
      licenseId: string,
      fileId: string,
      reason?: string | null,
    ): Promise<LicenseFileDto> {
      const l = await deps.licenses.get(actor, licenseId)
      const now = nowIso(ctx)
      const done = await ctx.tx((trx) =>
        repo.revokeLicenseFile(trx, licenseId, fileId, now, reason ?? null),
      )
      const row = await repo.findLicenseFile(ctx.db, licenseId, fileId)
      if (!row) throw new DomainError('NOT_FOUND', 'License file not found')
      if (done) {
        await deps.events.record({
          type: 'license_file.revoked',
          productId: l.product_id,
          licenseId,
          details: { file_id: fileId, reason: reason ?? null },
        })
      }
      return { ...row }
    },

    /**
     * The signed revocation list: unexpired files revoked by hand, and the licenses (with
     * unexpired files) now banned, suspended, expired by hand or deleted. `sequence` is the
     * issue time in ms: an app keeps the highest it saw and refuses an older list, so a
     * replayed old list cannot un-revoke anything.
     */
    async revocationList(): Promise<RevocationListDto> {
      const now = ctx.clock()
      const rows = await repo.revocationSources(ctx.db, now.toISOString())
      const licenses = new Map<string, { id: string; status: string; since: string | null }>()
      const files: { id: string; license_id: string; revoked_at: string; reason: string | null }[] =
        []
      for (const r of rows) {
        if (r.revoked_at)
          files.push({
            id: r.file_id,
            license_id: r.license_id,
            revoked_at: r.revoked_at,
            reason: r.revoked_reason,
          })
        const status = r.license_status ?? 'deleted'
        if (status !== 'active' && !licenses.has(r.license_id)) {
          licenses.set(r.license_id, { id: r.license_id, status, since: r.license_updated_at })
        }
      }
      const payload = {
        format: 'keywarden-revocations/1',
        issued: now.toISOString(),
        sequence: now.getTime(),
        valid_until: new Date(now.getTime() + LIST_VALID_SECONDS * 1000).toISOString(),
        licenses: [...licenses.values()],
        files,
      }
      return signDocument(payload, key().privateKey)
    },
  }
}

export type LicenseFilesService = ReturnType<typeof createLicenseFilesService>
