import { z } from 'zod'
import { boundedJson } from './json-bounds'
import { policyOverrideSchema, seatPolicyShape } from './policy'

/**
 * Input schemas shared by the services, the console contract, the HTTP adapters and the
 * console's forms: one schema validates a value wherever it enters.
 */

export const licenseTypeSchema = z.enum(['trial', 'subscription', 'lifetime'])
export const licenseStatusSchema = z.enum(['active', 'suspended', 'banned', 'expired'])
export const indicatorPolicySchema = z.enum(['ignore', 'flag', 'block'])

const isoDate = z.iso.datetime({ offset: true })

export const licenseDefaultsSchema = z.object({
  type: licenseTypeSchema,
  max_uses: z.number().int().min(1).max(10_000),
  hwid_locked: z.boolean(),
  duration_days: z.number().int().min(1).max(36_500).nullable(),
  level: z.number().int().min(0).max(1_000),
})

/** A product's policy: sessions, validation pace, indicators, and the seat policy (policy.ts). */
export const productPolicySchema = z.object({
  ...seatPolicyShape,
  session_minutes: z.number().int().min(1).max(525_600),
  validate_per_minute: z.number().int().min(1).max(100_000),
  vm_policy: indicatorPolicySchema,
  debug_policy: indicatorPolicySchema,
})

export const createProductSchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(120),
  description: z.string().max(2000).optional(),
  is_active: z.boolean().optional(),
  price_cents: z.number().int().min(0).max(100_000_000).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'Currency is a 3-letter ISO code')
    .optional(),
  stock: z.number().int().min(0).nullable().optional(),
  license_defaults: licenseDefaultsSchema.partial().optional(),
  policy: productPolicySchema.partial().optional(),
})
export type CreateProductInput = z.infer<typeof createProductSchema>

export const updateProductSchema = createProductSchema.partial()
export type UpdateProductInput = z.infer<typeof updateProductSchema>

/** Free-form license metadata: any JSON object, bounded in depth and size (json-bounds). */
export const metadataSchema = boundedJson()

export const createLicenseSchema = z.object({
  product_id: z.string().min(1),
  type: licenseTypeSchema.optional(),
  max_uses: z.number().int().min(1).max(10_000).optional(),
  hwid_locked: z.boolean().optional(),
  max_sessions: z.number().int().min(1).max(10_000).nullable().optional(),
  level: z.number().int().min(0).max(1_000).optional(),
  expires_at: isoDate.nullable().optional(),
  metadata: metadataSchema.optional(),
  notes: z.string().max(2000).optional(),
  customer_email: z.email().optional(),
  /** The license's own seat policy fields over its product's (none: the product's). */
  policy: policyOverrideSchema.nullable().optional(),
})
export type CreateLicenseInput = z.infer<typeof createLicenseSchema>

export const bulkCreateLicensesSchema = createLicenseSchema.extend({
  count: z.number().int().min(1).max(100),
})
export type BulkCreateLicensesInput = z.infer<typeof bulkCreateLicensesSchema>

export const updateLicenseSchema = z.object({
  status: z.enum(['active', 'suspended', 'expired']).optional(),
  type: licenseTypeSchema.optional(),
  max_uses: z.number().int().min(1).max(10_000).optional(),
  hwid_locked: z.boolean().optional(),
  max_sessions: z.number().int().min(1).max(10_000).nullable().optional(),
  level: z.number().int().min(0).max(1_000).optional(),
  expires_at: isoDate.nullable().optional(),
  metadata: metadataSchema.optional(),
  notes: z.string().max(2000).optional(),
  status_reason: z.string().max(500).nullable().optional(),
  /** The customer holding the key, by email (found or created); null: no customer. */
  customer_email: z.email().max(320).nullable().optional(),
  /** The license's own seat policy fields over its product's (null: none, the product's). */
  policy: policyOverrideSchema.nullable().optional(),
})
export type UpdateLicenseInput = z.infer<typeof updateLicenseSchema>

/**
 * Why a license is suspended or banned: optional on every surface (REST, console), stored as
 * the license's status_reason and in the transition's event.
 */
export const lifecycleReasonSchema = z.string().trim().max(500).optional()

export const licenseSortSchema = z.enum(['created_at', 'expires_at', 'key', 'status', 'type'])

export const listLicensesSchema = z.object({
  product_id: z.string().optional(),
  /** The customer holding the keys (the console's customer page). */
  customer_id: z.string().max(64).optional(),
  status: licenseStatusSchema.optional(),
  type: licenseTypeSchema.optional(),
  /** key prefix, customer email, or text inside metadata/notes */
  q: z.string().max(200).optional(),
  expires_from: isoDate.optional(),
  expires_to: isoDate.optional(),
  sort: licenseSortSchema.default('created_at'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(20),
})
export type ListLicensesInput = z.input<typeof listLicensesSchema>
export type ListLicensesQuery = z.output<typeof listLicensesSchema>

/** The filter part of a license list: what "all N matching" and an export apply to. */
export const licenseFilterSchema = listLicensesSchema.pick({
  product_id: true,
  customer_id: true,
  status: true,
  type: true,
  q: true,
  expires_from: true,
  expires_to: true,
})
export type LicenseFilter = z.infer<typeof licenseFilterSchema>
