import { z } from 'zod'

/**
 * Hi-Rez-style developer credentials (devId + authKey): their limits, how one is created and
 * edited, and what is listed. Shared by the management API, the console contract and the
 * console's form, so one schema validates a request wherever it enters.
 */

/** The reference's default limits ("API Access Limits"), and no reseller allotment. */
export const HIREZ_DEFAULT_LIMITS = {
  concurrent_sessions: 50,
  daily_sessions: 500,
  session_minutes: 15,
  daily_requests: 7500,
  license_allotment: 0,
} as const

const count = (max: number) => z.number().int().min(0).max(max)

/** Every limit of a credential; each one editable. */
export const hirezLimitsSchema = z.object({
  /** Live sessions at once. */
  concurrent_sessions: count(100_000),
  /** Sessions created per UTC day. */
  daily_sessions: count(10_000_000),
  /** How long a session lives, from its creation. */
  session_minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** Signed requests per UTC day (createsession included). */
  daily_requests: count(100_000_000),
  /** Licenses `createlicenses` may mint in total (0: none). */
  license_allotment: count(10_000_000),
})
export type HirezLimits = z.infer<typeof hirezLimitsSchema>

const productIds = z.array(z.string().min(1).max(64)).max(200)

export const createHirezDeveloperSchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(100),
  /** Narrows the credential to these products of its account; absent or empty = all of them. */
  product_ids: productIds.optional(),
  limits: hirezLimitsSchema.partial().optional(),
})
export type CreateHirezDeveloperInput = z.infer<typeof createHirezDeveloperSchema>

export const updateHirezDeveloperSchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(100).optional(),
  product_ids: productIds.optional(),
  limits: hirezLimitsSchema.partial().optional(),
})
export type UpdateHirezDeveloperInput = z.infer<typeof updateHirezDeveloperSchema>

/** A dev_id as it appears in a URL or a form: 4 digits. */
export const devIdSchema = z.coerce.number().int().min(1000).max(9999)

/** What a credential used today (UTC) and has open now. */
export const hirezUsageSchema = z.object({
  active_sessions: z.number().int(),
  sessions_today: z.number().int(),
  requests_today: z.number().int(),
  licenses_created: z.number().int(),
})
export type HirezUsage = z.infer<typeof hirezUsageSchema>

/** A credential as listed: never its auth key. */
export const hirezDeveloperDtoSchema = z.object({
  dev_id: z.number().int(),
  name: z.string(),
  account_id: z.string().nullable(),
  product_ids: z.array(z.string()),
  limits: hirezLimitsSchema,
  usage: hirezUsageSchema,
  created_at: z.string(),
  updated_at: z.string(),
  rekeyed_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
})
export type HirezDeveloperDto = z.infer<typeof hirezDeveloperDtoSchema>

/** Creating or re-keying answers the auth key, once. */
export const createdHirezDeveloperDtoSchema = hirezDeveloperDtoSchema.extend({
  auth_key: z.string().describe('32 uppercase hex characters; signs every call. Shown once.'),
})
export type CreatedHirezDeveloperDto = z.infer<typeof createdHirezDeveloperDtoSchema>
