import { z } from 'zod'
import { devpayrErrorSchema } from '../../middleware/error-schemas'
import { environmentSchema, injectableModeSchema } from '@shared/domains'

/**
 * DevPayr's wire schemas: what its SDKs and backends send and what they read back. They
 * validate each request and write its OpenAPI entry (answers included).
 */

/** `include=injectables`, `action=check_project` ride on every query; anything else is ignored. */
export const query = z.object({
  include: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
})

export const wantsInjectables = (q: { include?: string }) =>
  (q.include ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes('injectables')

const ref = z.string().min(1).max(100)
export const projectParams = z.object({ id: ref })
export const projectChild = z.object({ project: ref })
export const licenseParams = z.object({ project: ref, license: ref })
export const domainParams = z.object({ project: ref, domain: ref })
export const injectableParams = z.object({ project: ref, injectable: ref })

/** Multipart fields arrive as text: "true"/"1" and "false"/"0" read as booleans. */
export const flag = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']),
  z.literal(1),
  z.literal(0),
])
export function readFlag(v: z.infer<typeof flag> | undefined): boolean | undefined {
  if (v === undefined) return undefined
  return v === true || v === 'true' || v === '1' || v === 1
}

const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date (ISO 8601)')
  .transform((s) => new Date(s).toISOString())

export const projectBody = z.object({
  name: z.string().trim().min(1, 'The name field is required.').max(120),
  description: z.string().max(2000).nullable().optional(),
  is_active: flag.optional(),
  has_paid: flag.optional(),
})
export const projectPatch = projectBody.partial()

export const licenseBody = z.object({
  title: z.string().trim().max(200).nullable().optional(),
  max_domains: z.coerce.number().int().min(1).max(10_000).optional(),
  expires_at: isoDate.nullable().optional(),
  /** DevPayr's own spelling of the expiry. */
  expiry_date: isoDate.nullable().optional(),
  environment: environmentSchema.optional(),
})

export const domainBody = z.object({
  domain: z.string().trim().min(1, 'The domain field is required.').max(253),
  environment: environmentSchema.optional(),
  is_active: flag.optional(),
  is_primary: flag.optional(),
})
export const domainPatch = domainBody.partial()

export const injectableBody = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  /** DevPayr answers `name` beside `title`; either names the injectable. */
  name: z.string().trim().min(1).max(200).optional(),
  slug: z.string().trim().min(1).max(100).optional(),
  type: z.string().trim().min(1).max(32).optional(),
  mode: injectableModeSchema.optional(),
  target_path: z.string().trim().max(1000).nullable().optional(),
  path: z.string().trim().max(1000).nullable().optional(),
  /** The plaintext (a multipart file field is read as its bytes). */
  content: z
    .string()
    .max(1024 * 1024 * 2)
    .optional(),
  /** `base64`: `content` holds Base64 of the bytes (binary files). */
  content_encoding: z.enum(['utf8', 'base64']).optional(),
  secret: z.string().min(1).max(500).optional(),
  only_if_paid: flag.optional(),
  is_active: flag.optional(),
})

// --- answers -----------------------------------------------------------------------------

export const projectSchema = z.object({
  id: z.string(),
  num: z.number(),
  name: z.string(),
  description: z.string(),
  is_active: z.boolean(),
  has_paid: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
})

export const licenseSchema = z.object({
  id: z.string(),
  /** The license key, as DevPayr names it. */
  uuid: z.string(),
  license_key: z.string(),
  project_id: z.string(),
  title: z.string().nullable(),
  status: z.enum(['active', 'revoked', 'expired', 'banned']),
  max_domains: z.number(),
  domains_used: z.number(),
  environment: z.string(),
  expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
})

export const domainSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  domain: z.string(),
  environment: z.string(),
  is_active: z.boolean(),
  is_primary: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
})

export const injectableSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  title: z.string(),
  name: z.string(),
  slug: z.string(),
  type: z.string(),
  mode: z.string(),
  target_path: z.string().nullable(),
  path: z.string().nullable(),
  content: z.string(),
  signature: z.string(),
  content_hash: z.string(),
  only_if_paid: z.boolean(),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
})

export const hasPaidSchema = z.object({
  has_paid: z.boolean(),
  project_id: z.string(),
  environment: z.string().optional(),
  injectables: z.array(injectableSchema).optional(),
  /** In the license policy's grace period after expiry: until when, and LICENSE_IN_GRACE. */
  grace_until: z.string().optional(),
  warning: z.string().optional(),
})

export const injectableStreamSchema = z.object({
  project_id: z.string(),
  has_paid: z.boolean(),
  injectables: z.array(injectableSchema),
  grace_until: z.string().optional(),
  warning: z.string().optional(),
})

/** Every success: `{ status: "success", message, data, errors: null }`. */
export const success = <T extends z.ZodType>(data: T) =>
  z.object({
    status: z.literal('success'),
    message: z.string(),
    data,
    errors: z.null(),
  })

/** Every refusal: `{ status: "error", message, data: null, errors }` (one schema, documented once). */
export const failure = devpayrErrorSchema

/** The answers of one route: its success and the refusals any DevPayr route may give. */
export function answers<T extends z.ZodType>(status: 200 | 201, data: T) {
  return {
    [status]: success(data),
    400: failure,
    401: failure,
    403: failure,
    404: failure,
    409: failure,
    422: failure,
    429: failure,
  } as const
}

export const deleted = z.object({ id: z.string(), deleted: z.literal(true) })
