import { z } from 'zod'
import type {
  ActivateAnswerDto,
  ClientLicenseDto,
  DeactivateAnswerDto,
  EncryptedAnswerDto,
  HeartbeatAnswerDto,
  LicenseFileAnswerDto,
  PublicKeyAnswerDto,
  ValidateAnswerDto,
  VerifyChallengeAnswerDto,
} from './client-answers'
import type { RevocationListDto } from './license-files'
import { GRACE_WARNING } from './policy'

/**
 * The LicenseCM client API's answer shapes (`data` of each /api/client/* answer), for the
 * OpenAPI document only: these routes are the hot path and have no response schema (a
 * serializer would cost time and drop fields). The check at the end keeps each equal to the
 * type its handler is declared to return (client-answers.ts).
 */
const iso = z.string().describe('ISO 8601 UTC time')
const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`))

const clientLicenseFields = z.object({
  type: z.enum(['trial', 'subscription', 'lifetime']),
  expires_at: iso.nullable(),
  metadata: z.record(z.string(), z.unknown()),
})
export const clientLicenseSchema = clientLicenseFields.meta({ id: 'ClientLicense' })

const signed = {
  data: z
    .string()
    .describe(
      "The signed payload, a JSON string: the answer's verdict (action, product_id, hwid, license, watermark, issued_at, ...), license_key_sha256 (hex SHA-256 of the license key) and the request's nonce when it sent one",
    ),
  signature: z
    .string()
    .describe('Base64 RSA-SHA512 signature of `data` under GET /api/client/public-key'),
}
const grace = {
  grace_until: iso.optional().describe('Set while the license is in its grace period'),
  warning: z.literal(GRACE_WARNING).optional(),
}
const session = z.object({ token: z.string(), expires_at: iso })
const challenge = {
  challenge: z.string().describe('Answer with POST /api/client/verify-challenge'),
  challenge_expires_at: iso,
}

const validateFields = z.object({
  valid: z.literal(true),
  license: clientLicenseSchema,
  ...grace,
  ...signed,
  watermark: z.string(),
})
const activateFields = z.object({
  activated: z.literal(true),
  session,
  license: clientLicenseSchema,
  ...grace,
  ...challenge,
  ...signed,
  watermark: z.string(),
})
const heartbeatFields = z.object({
  valid: z.literal(true),
  ...grace,
  new_token: z.string().describe('The rotated session token (also `session.token`)'),
  session,
  ...challenge,
  ...signed,
  watermark: z.string(),
})
const deactivateFields = z.object({
  deactivated: z.literal(true),
  sessions_closed: z.number().int(),
  ...signed,
})
const verifyChallengeFields = z.object({
  valid: z.literal(true),
  verified: z.literal(true),
  ...signed,
})
const fileAlg = z.enum(['base64+ed25519', 'aes-256-gcm+ed25519'])
const licenseFileFields = z.object({
  certificate: z.string().describe('-----BEGIN LICENSE FILE----- … -----END LICENSE FILE-----'),
  id: z.string(),
  alg: fileAlg,
  issued_at: iso,
  expires_at: iso,
})
const publicKeyFields = z.discriminatedUnion('algorithm', [
  z.object({
    public_key: z.string(),
    algorithm: z.literal('RSA-SHA512'),
    key_size: z.literal(4096),
  }),
  z.object({ public_key: z.string(), algorithm: z.literal('Ed25519') }),
])
const revocationListFields = z.object({
  enc: z
    .string()
    .describe("Base64 of the list's JSON (format, issued, sequence, valid_until, licenses, files)"),
  sig: z.string().describe('Base64 Ed25519 signature of "revocations/" + enc'),
  alg: fileAlg,
})
const encryptedFields = z
  .object({
    encrypted: z.literal(true),
    iv: hex(12),
    data: z
      .string()
      .regex(/^([0-9a-f]{2})+$/)
      .describe("Hex ciphertext of the answer's JSON"),
    tag: hex(16),
    timestamp: z.number().int(),
    signature: hex(32).describe(
      'Hex HMAC-SHA256(secret_key, iv + ":" + data + ":" + tag + ":" + timestamp)',
    ),
  })
  .describe(
    'The answer `{success, data}`, AES-256-GCM encrypted under the first 32 bytes of the product secret: what an encrypted request gets back',
  )

export const validateAnswerSchema = validateFields.meta({ id: 'ClientValidateAnswer' })
export const activateAnswerSchema = activateFields.meta({ id: 'ClientActivateAnswer' })
export const heartbeatAnswerSchema = heartbeatFields.meta({ id: 'ClientHeartbeatAnswer' })
export const deactivateAnswerSchema = deactivateFields.meta({ id: 'ClientDeactivateAnswer' })
export const verifyChallengeAnswerSchema = verifyChallengeFields.meta({
  id: 'ClientVerifyChallengeAnswer',
})
export const licenseFileAnswerSchema = licenseFileFields.meta({ id: 'ClientLicenseFile' })
export const publicKeyAnswerSchema = publicKeyFields.meta({ id: 'ClientPublicKey' })
export const revocationListSchema = revocationListFields.meta({ id: 'ClientRevocationList' })
export const encryptedAnswerSchema = encryptedFields.meta({ id: 'ClientEncryptedAnswer' })

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const CLIENT_SCHEMAS_MATCH: [
  Same<z.output<typeof clientLicenseFields>, ClientLicenseDto>,
  Same<z.output<typeof validateFields>, ValidateAnswerDto>,
  Same<z.output<typeof activateFields>, ActivateAnswerDto>,
  Same<z.output<typeof heartbeatFields>, HeartbeatAnswerDto>,
  Same<z.output<typeof deactivateFields>, DeactivateAnswerDto>,
  Same<z.output<typeof verifyChallengeFields>, VerifyChallengeAnswerDto>,
  Same<z.output<typeof licenseFileFields>, LicenseFileAnswerDto>,
  Same<z.output<typeof publicKeyFields>, PublicKeyAnswerDto>,
  Same<z.output<typeof revocationListFields>, RevocationListDto>,
  Same<z.output<typeof encryptedFields>, EncryptedAnswerDto>,
] = [true, true, true, true, true, true, true, true, true, true]
