import { DomainError } from '@shared/errors'
import type { ProductPolicy } from '@shared/dto'
import type { LicenseCheckRow } from '../../db/repositories/machines'
import { effectiveStatus } from '../licenses'
import type { ClientData, LicenseRequest, LicenseView } from './types'

/**
 * The one licensing decision, in its fixed order. Steps 1–2 run before the security screen
 * (BLACKLISTED, step 3, decided by services.security); `decideStatus` and `decideMachine` after.
 * Every protocol reaches these functions and maps the DomainError code to its own wording.
 */
export function decideProduct(
  row: LicenseCheckRow | undefined,
  req: LicenseRequest,
): asserts row is LicenseCheckRow {
  // 1. The key must exist.
  if (!row) throw new DomainError('LICENSE_NOT_FOUND', 'Invalid license key')
  // 2. For the product the client claims, and that product must be active.
  if (req.productId !== undefined && req.productId !== row.product_id) {
    throw new DomainError('PRODUCT_NOT_FOUND', 'License does not belong to this product')
  }
  if (req.productNum !== undefined && req.productNum !== row.product_num) {
    throw new DomainError('PRODUCT_NOT_FOUND', 'License does not belong to this product')
  }
  if (row.product_active !== 1)
    throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found or inactive')
}

/**
 * 4–5. Banned / suspended, then expired (derived from expires_at at `now`). A license that
 * reached its expires_at (not one expired by hand) still passes until `graceUntil` (its policy's
 * grace period): the answer then carries `graceUntil` and the operations answer with a warning.
 */
export function decideStatus(
  row: LicenseCheckRow,
  now: string,
  opts: { allowExpired?: boolean; graceUntil?: string | null } = {},
): { graceUntil: string | null } {
  const status = effectiveStatus(row, now)
  if (status === 'banned') throw new DomainError('LICENSE_BANNED', 'Key has been banned')
  if (status === 'suspended') throw new DomainError('LICENSE_SUSPENDED', 'License is suspended')
  if (status === 'expired') {
    const grace = opts.graceUntil ?? null
    // Stored 'active' past expires_at is a timed expiry; a stored 'expired' was decided by hand.
    if (row.status === 'active' && grace !== null && now < grace) return { graceUntil: grace }
    if (!opts.allowExpired) throw new DomainError('LICENSE_EXPIRED', 'License has expired')
  }
  return { graceUntil: null }
}

/**
 * Whether the license answers only for a named machine: HWID-locked, or limited in machines
 * (`max_uses`, which every license has today) or in concurrent sessions. Such a license is
 * never checked without a machine: otherwise a client that strips `hwid` would get a valid
 * answer for a key bound elsewhere.
 */
export function isMachineBound(row: LicenseCheckRow): boolean {
  return row.hwid_locked === 1 || row.max_uses > 0 || row.max_sessions !== null
}

/**
 * 6a. The machine must be named when the license is bound to machines: refused as
 * VALIDATION_ERROR naming `hwid` (after status and expiry, so a banned key still reads as
 * banned). Returns the HWID to decide on, or null for a license bound to none.
 */
export function decideHwid(row: LicenseCheckRow, hwid: string | null | undefined): string | null {
  if (hwid) return hwid
  if (isMachineBound(row)) {
    throw new DomainError('VALIDATION_ERROR', 'hwid: is required for this license')
  }
  return null
}

/** What the machine decision may ask about; each answer is computed only when needed. */
export interface MachineFacts {
  /** The id of the machine bound with this HWID, if any. */
  boundId(): string | undefined
  /** Machines bound to the license. */
  machineCount(): number
  /** Machines other than this HWID holding a live session. */
  liveOthers(): number
}

/**
 * 6–7. The machine. A machine already bound always passes. A new one needs a free slot:
 * with `hwid_locked` every bound machine holds its slot until deactivated or reset (a full
 * license refuses a new machine as HWID_MISMATCH); without it only machines holding a live
 * session count, so sessions that missed their heartbeats free their slot (MAX_USES_EXCEEDED).
 * `max_sessions` caps concurrent live machines on top of that.
 */
export function decideMachine(
  row: LicenseCheckRow,
  facts: MachineFacts,
): { boundId: string | undefined } {
  const boundId = facts.boundId()
  if (!boundId) {
    const locked = row.hwid_locked === 1
    const used = locked ? facts.machineCount() : facts.liveOthers()
    if (used >= row.max_uses) {
      if (locked) throw new DomainError('HWID_MISMATCH', 'Hardware ID does not match this license')
      throw new DomainError('MAX_USES_EXCEEDED', 'Maximum activations reached')
    }
  }
  if (row.max_sessions !== null && facts.liveOthers() >= row.max_sessions) {
    throw new DomainError('MAX_USES_EXCEEDED', 'Maximum concurrent sessions reached')
  }
  return { boundId }
}

/**
 * The product's VM / debugger policy over the client's own report: `ignore` passes silently,
 * `flag` passes and returns the flag for the event, `block` refuses with SECURITY_VIOLATION.
 */
export function decideIndicators(
  policy: ProductPolicy,
  data: ClientData | null | undefined,
): string[] {
  const flags: string[] = []
  const checks = [
    ['vm_detected', policy.vm_policy, data?.vm_indicators],
    ['debug_detected', policy.debug_policy, data?.debug_indicators],
  ] as const
  for (const [flag, mode, list] of checks) {
    if (mode === 'ignore' || !Array.isArray(list) || list.length === 0) continue
    if (mode === 'block') {
      throw new DomainError('SECURITY_VIOLATION', 'Security check failed', {
        security_blocked: true,
        security_details: { reason: flag, indicators: list },
        event: flag,
      })
    }
    flags.push(flag)
  }
  return flags
}

export function toLicenseView(row: LicenseCheckRow, now: string): LicenseView {
  let metadata: Record<string, unknown> = {}
  try {
    metadata = JSON.parse(row.metadata) as Record<string, unknown>
  } catch {
    /* a hand-edited, broken metadata column reads as empty rather than failing every check */
  }
  return {
    id: row.id,
    key: row.key,
    product_id: row.product_id,
    product_num: row.product_num,
    type: row.type,
    status: effectiveStatus(row, now),
    level: row.level,
    max_uses: row.max_uses,
    hwid_locked: row.hwid_locked === 1,
    expires_at: row.expires_at,
    metadata,
  }
}
