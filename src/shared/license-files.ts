import { z } from 'zod'

/** How a file is checked out: its time to live (seconds) and whether it is encrypted. */
export const checkoutOptionsSchema = z.object({
  /** Seconds the file is valid (3600 – 31622400; default 30 days), capped by the license's expiry. */
  ttl: z
    .number()
    .int()
    .min(3_600)
    .max(366 * 86_400)
    .optional(),
  /** AES-256-GCM under SHA-256(license key [+ fingerprint]): only the holder of the key opens it. */
  encrypt: z.boolean().optional(),
})
export type CheckoutOptions = z.infer<typeof checkoutOptionsSchema>

/** The visible-ASCII machine fingerprint a file is bound to (the LicenseCM `hwid`). */
export const fingerprintSchema = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{1,256}$/, 'must be 1-256 visible ASCII characters')

export const issueFileSchema = checkoutOptionsSchema.extend({
  fingerprint: fingerprintSchema.optional(),
})
export type IssueFileInput = z.infer<typeof issueFileSchema>

export const fromRequestSchema = checkoutOptionsSchema.extend({
  /** The request file's text, as the app wrote it. */
  request: z
    .string()
    .min(1, 'Paste or upload the request file')
    .max(16 * 1024),
})

export const revokeFileSchema = z.object({ reason: z.string().trim().max(500).optional() })

/** A checked-out license file: the armoured text and what the server recorded of it. */
export interface IssuedLicenseFile {
  id: string
  /** `-----BEGIN LICENSE FILE-----` … `-----END LICENSE FILE-----` */
  file: string
  alg: 'base64+ed25519' | 'aes-256-gcm+ed25519'
  issued_at: string
  expires_at: string
  machine_fingerprint: string | null
}

/** A file the server issued (the file itself is not kept). */
export interface LicenseFileDto {
  id: string
  license_id: string
  product_id: string
  machine_fingerprint: string | null
  alg: string
  issued_at: string
  expires_at: string
  source: string
  revoked_at: string | null
  revoked_reason: string | null
}

/** The signed revocation list: `enc` = base64 JSON, `sig` = Ed25519 of "revocations/" + enc. */
export interface RevocationListDto {
  enc: string
  sig: string
  alg: 'base64+ed25519' | 'aes-256-gcm+ed25519'
}
