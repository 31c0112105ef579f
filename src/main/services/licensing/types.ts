import type { LicenseStatus, LicenseType } from '@shared/dto'
import type { OpenedSession } from '../sessions'

/** The wire protocols that reach the engine; recorded with every event and session. */
export type Protocol = 'licensecm' | 'sellrealm' | 'devpayr' | 'hirez'

/** What a client reports about itself (LicenseCM `client_data`); stored with the event. */
export interface ClientData {
  platform?: string
  os_version?: string
  vm_indicators?: string[]
  debug_indicators?: string[]
  [key: string]: unknown
}

/** One licensing request, whatever protocol it arrived through. */
export interface LicenseRequest {
  licenseKey: string
  /** The product the client claims (uuid); a mismatch reads as PRODUCT_NOT_FOUND. */
  productId?: string
  /** The same, for protocols with integer product ids (SellRealm). */
  productNum?: number
  /** Required for activate/heartbeat/deactivate/verifyChallenge, and for validate on a license bound to machines. */
  hwid?: string | null
  ip: string | null
  userAgent: string | null
  clientData?: ClientData | null
  protocol: Protocol
  /** Activation: open the session with a rotating nonce (for adapters whose protocol uses one). */
  withNonce?: boolean
}

export interface HeartbeatRequest extends LicenseRequest {
  sessionToken: string
}

export interface ChallengeRequest extends LicenseRequest {
  challenge: string
  /** hex HMAC-SHA256(key = hwid, message = challenge) */
  response: string
}

/** The license as the engine answers about it (effective status: expiry derived at read time). */
export interface LicenseView {
  id: string
  key: string
  product_id: string
  product_num: number
  type: LicenseType
  status: LicenseStatus
  level: number
  max_uses: number
  hwid_locked: boolean
  expires_at: string | null
  metadata: Record<string, unknown>
}

export interface IssuedChallenge {
  value: string
  expires_at: string
}

/** The session an activation or heartbeat hands out: what the sessions service opened. */
export type SessionView = OpenedSession

interface Outcome {
  license: LicenseView
  /** Per-license trace mark (stable, unguessable). */
  watermark: string
  /** Indicators the product policy flagged (not blocked), e.g. `vm_detected`. */
  flags: string[]
  /**
   * Set while the license is past expires_at but within its policy's grace period: the answer
   * is valid, and each protocol shows this and the GRACE_WARNING code in its own shape.
   */
  graceUntil: string | null
}

export interface ValidateResult extends Outcome {
  valid: true
  machineId: string | null
}

export interface ActivateResult extends Outcome {
  activated: true
  machineId: string
  session: SessionView
  challenge: IssuedChallenge
}

export interface HeartbeatResult extends Outcome {
  valid: true
  machineId: string
  session: SessionView
  challenge: IssuedChallenge
}

export interface DeactivateResult extends Outcome {
  deactivated: true
  sessionsClosed: number
}

export interface ChallengeResult extends Outcome {
  verified: true
}
