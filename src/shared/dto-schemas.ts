import { z } from 'zod'
import { ACCOUNT_ROLES, type AccountDto } from './accounts'
import type { LicenseDto, ProductDto } from './dto'
import { ORDER_STATUSES, type OrderDto } from './channels/store'
import { policyOverrideSchema, seatPolicySchema } from './policy'
import { licenseStatusSchema } from './schemas'

/**
 * The management API's answer shapes as zod schemas: the routes' response schemas (the
 * OpenAPI document and the serializer) are built from these, and the compile-time checks at
 * the end keep each equal to its DTO interface, so the document cannot drift from the code.
 * (A field added to a DTO but not here would be a compile error, never a field silently left
 * out of the answer by the serializer.)
 */
const seatUsageSchema = z.object({
  mode: z.literal('floating'),
  in_use: z.number().int(),
  seats: z.number().int(),
  allowance: z.number().int(),
})

const licenseFields = z.object({
  id: z.string(),
  num: z.number().int(),
  license_key: z.string(),
  product_id: z.string(),
  product_name: z.string().optional(),
  type: z.enum(['trial', 'subscription', 'lifetime']),
  status: licenseStatusSchema,
  status_reason: z.string().nullable(),
  level: z.number().int(),
  hwid: z.string().nullable(),
  hwid_locked: z.boolean(),
  max_uses: z.number().int(),
  current_uses: z.number().int(),
  max_sessions: z.number().int().nullable(),
  expires_at: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  notes: z.string(),
  policy_override: policyOverrideSchema.nullable(),
  policy: seatPolicySchema,
  seats: seatUsageSchema.nullable(),
  customer_id: z.string().nullable(),
  customer_email: z.string().nullable(),
  title: z.string().nullable(),
  environment: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
})

const indicatorPolicy = z.enum(['ignore', 'flag', 'block'])
const productFields = z.object({
  id: z.string(),
  num: z.number().int(),
  owner_id: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  secret_key: z.string(),
  is_active: z.boolean(),
  price_cents: z.number().int(),
  currency: z.string(),
  stock: z.number().int().nullable(),
  license_defaults: z.object({
    type: z.enum(['trial', 'subscription', 'lifetime']),
    max_uses: z.number().int(),
    hwid_locked: z.boolean(),
    duration_days: z.number().int().nullable(),
    level: z.number().int(),
  }),
  policy: seatPolicySchema.extend({
    session_minutes: z.number(),
    validate_per_minute: z.number(),
    vm_policy: indicatorPolicy,
    debug_policy: indicatorPolicy,
  }),
  has_paid: z.boolean(),
  license_count: z.number().int().optional(),
  created_at: z.string(),
  updated_at: z.string(),
})

const accountFields = z.object({
  id: z.string(),
  email: z.string(),
  display_name: z.string(),
  role: z.enum(ACCOUNT_ROLES),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable(),
})

/** A key issued by an order (IssuedKeyDto). */
export const issuedKeyFields = z.object({
  id: z.string(),
  num: z.number().int(),
  key: z.string(),
  product_id: z.string(),
  status: licenseStatusSchema,
  used: z.boolean(),
  created_at: z.string(),
})
const orderFields = z.object({
  id: z.string(),
  num: z.number().int(),
  customer_id: z.string(),
  customer_email: z.string(),
  product_id: z.string(),
  product_num: z.number().int(),
  product_name: z.string(),
  quantity: z.number().int(),
  amount_cents: z.number().int(),
  currency: z.string(),
  status: z.enum(ORDER_STATUSES),
  payment_ref: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  paid_at: z.string().nullable(),
  refunded_at: z.string().nullable(),
  keys: z.array(issuedKeyFields),
})

export const orderDtoSchema = orderFields.meta({ id: 'Order' })
export const accountDtoSchema = accountFields.meta({ id: 'Account' })
/** A login's or registration's answer: the session token (JWT) and the account. */
export const authResultSchema = z.object({ token: z.string(), user: accountDtoSchema })
export const licenseDtoSchema = licenseFields.meta({ id: 'License' })
export const productDtoSchema = productFields.meta({ id: 'Product' })

/** LicenseCM's list `pagination` (`pages` is at least 1). */
export const paginationSchema = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  pages: z.number().int(),
})

// The schemas and the DTO interfaces describe the same objects (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const DTO_SCHEMAS_MATCH: [
  Same<z.output<typeof licenseFields>, LicenseDto>,
  Same<z.output<typeof productFields>, ProductDto>,
  Same<z.output<typeof accountFields>, AccountDto>,
  Same<z.output<typeof orderFields>, OrderDto>,
] = [true, true, true, true]
