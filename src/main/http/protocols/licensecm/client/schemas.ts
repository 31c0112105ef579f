import { z } from 'zod'
import { DomainError } from '@shared/errors'
import { withJsonBounds } from '@shared/json-bounds'

/**
 * Wire schemas of the LicenseCM client API. A body is either plain JSON or the encrypted
 * envelope; both are validated here with field-named messages (a zod union would only say
 * "Invalid input"), and the decrypted body of an envelope goes through the same plain schema.
 */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max)

/**
 * What the SDKs report about the machine: a few known fields, anything else kept as sent, the
 * whole bounded in depth and size (SDKs send a few hundred bytes; 32 KiB leaves room).
 */
export const clientDataSchema = withJsonBounds(
  z
    .object({
      platform: z.string().max(64).optional(),
      os_version: z.string().max(128).optional(),
      vm_indicators: z.array(z.string().max(100)).max(50).optional(),
      debug_indicators: z.array(z.string().max(100)).max(50).optional(),
      /** Shown in the console's machines view (machines.app_version). */
      app_version: z.string().max(64).optional(),
    })
    .loose(),
  { maxDepth: 32, maxBytes: 32 * 1024 },
)

const base = {
  license_key: text(128),
  product_id: text(64),
  hwid: text(256),
  client_data: clientDataSchema.nullish(),
  session_token: z.string().max(256).nullish(),
  /** Echoed in the signed answer (`data.data.nonce`): a fresh one per request stops replays. */
  nonce: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 visible ASCII characters')
    .optional(),
}

export const validateBody = z.object({ ...base, hwid: text(256).optional() })
export const activateBody = z.object(base)
export const deactivateBody = z.object(base)
export const heartbeatBody = z.object({ ...base, session_token: text(256) })
export const verifyChallengeBody = z.object({
  ...base,
  challenge: text(256),
  response: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a hex HMAC-SHA256 (64 hex digits)'),
})

const hex = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^([0-9a-fA-F]{2})*$/, `${name} must be hex`)
    .min(min, `${name} is too short`)
    .max(max, `${name} is too long`)

export const envelopeBody = z.object({
  encrypted: z.literal(true),
  iv: hex('iv', 24, 32),
  data: hex('data', 2, 128 * 1024),
  tag: hex('tag', 32, 32),
  signature: z.string().regex(/^[0-9a-fA-F]{64}$/, 'signature must be a hex HMAC-SHA256'),
  product_id: text(64),
  timestamp: z.number().int().positive(),
})
export type EnvelopeBody = z.infer<typeof envelopeBody>

/** For the OpenAPI document: what each route accepts. */
export const docBody = <T extends z.ZodType>(plain: T) => z.union([plain, envelopeBody])

function describe(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ')
}

/** Parses `value` or refuses with VALIDATION_ERROR naming the fields. */
export function parseOrRefuse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DomainError('VALIDATION_ERROR', 'Body must be a JSON object')
  }
  const r = schema.safeParse(value)
  if (!r.success) throw new DomainError('VALIDATION_ERROR', describe(r.error))
  return r.data
}

export function isEnvelope(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { encrypted?: unknown }).encrypted === true
  )
}
