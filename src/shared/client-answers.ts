import type { LicenseType } from './dto'
import type { GRACE_WARNING } from './policy'
import type { IssuedLicenseFile } from './license-files'

/**
 * What the LicenseCM client API (/api/client/*) answers in `data`: the handlers are typed
 * with these, and dto-schemas-client.ts documents them (kept equal at compile time).
 */

/** The license fields a client is told about. */
export interface ClientLicenseDto {
  type: LicenseType
  expires_at: string | null
  metadata: Record<string, unknown>
}

/** `data`: the signed payload (a JSON string), `signature`: its Base64 RSA-SHA512 signature. */
export interface SignedAnswer {
  data: string
  signature: string
}

/** Set while the license is past its expiry but within its grace period. */
export interface GraceFields {
  grace_until?: string
  warning?: typeof GRACE_WARNING
}

export interface ClientSessionTokenDto {
  token: string
  expires_at: string
}

export interface ValidateAnswerDto extends SignedAnswer, GraceFields {
  valid: true
  license: ClientLicenseDto
  watermark: string
}

export interface ActivateAnswerDto extends SignedAnswer, GraceFields {
  activated: true
  session: ClientSessionTokenDto
  license: ClientLicenseDto
  challenge: string
  challenge_expires_at: string
  watermark: string
}

export interface HeartbeatAnswerDto extends SignedAnswer, GraceFields {
  valid: true
  new_token: string
  session: ClientSessionTokenDto
  challenge: string
  challenge_expires_at: string
  watermark: string
}

export interface DeactivateAnswerDto extends SignedAnswer {
  deactivated: true
  sessions_closed: number
}

export interface VerifyChallengeAnswerDto extends SignedAnswer {
  valid: true
  verified: true
}

/** A license file checked out by a running app. */
export interface LicenseFileAnswerDto {
  certificate: string
  id: string
  alg: IssuedLicenseFile['alg']
  issued_at: string
  expires_at: string
}

/** GET /api/client/public-key: the RSA key answers are signed with, or the Ed25519 file key. */
export type PublicKeyAnswerDto =
  | { public_key: string; algorithm: 'RSA-SHA512'; key_size: 4096 }
  | { public_key: string; algorithm: 'Ed25519' }

/** The whole answer `{success, data}`, AES-256-GCM encrypted, to an encrypted request. */
export interface EncryptedAnswerDto {
  encrypted: true
  iv: string
  data: string
  tag: string
  timestamp: number
  signature: string
}
