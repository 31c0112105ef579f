import { z } from 'zod'
import type { SecretsDto } from './channels/account'
import {
  eventSeveritySchema,
  securitySettingsSchema,
  type securityChannels,
  type SecurityStatsDto,
} from './channels/security'
import type { DashboardSummary, EventDto, ProductStats } from './dto'
import type { IssuedLicenseFile, LicenseFileDto } from './license-files'

/**
 * The answer shapes of the remaining LicenseCM management routes (account secrets, health,
 * the OpenAPI document, license files, the security center, stats): see dto-schemas.ts for
 * the principle. The check at the end keeps each equal to its DTO interface.
 */
const secretsFields = z.object({ auth_secret: z.string(), store_secret: z.string() })

/** GET /api/health (liveness): not in the envelope. */
export const healthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    uptime_seconds: z.number().int(),
    time: z.string(),
  })
  .meta({ id: 'Health' })

/** GET /api/openapi.json: an OpenAPI 3.1 document, every member kept as generated. */
export const openApiDocumentSchema = z
  .object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string() }).loose(),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    components: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .loose()
  .meta({ id: 'OpenApiDocument' })

const issuedFileFields = z.object({
  id: z.string(),
  file: z.string(),
  alg: z.enum(['base64+ed25519', 'aes-256-gcm+ed25519']),
  issued_at: z.string(),
  expires_at: z.string(),
  machine_fingerprint: z.string().nullable(),
})
const licenseFileFields = z.object({
  id: z.string(),
  license_id: z.string(),
  product_id: z.string(),
  machine_fingerprint: z.string().nullable(),
  alg: z.string(),
  issued_at: z.string(),
  expires_at: z.string(),
  source: z.string(),
  revoked_at: z.string().nullable(),
  revoked_reason: z.string().nullable(),
})

const nullableText = z.string().nullable()
const eventFields = z.object({
  id: z.number().int(),
  type: z.string(),
  severity: eventSeveritySchema,
  product_id: nullableText,
  license_id: nullableText,
  machine_id: nullableText,
  hwid: nullableText,
  ip: nullableText,
  user_agent: nullableText,
  details: z.record(z.string(), z.unknown()),
  blocked: z.boolean(),
  created_at: z.string(),
})

const count = z.number().int()
const securityStatsFields = z.object({
  overview: z.object({
    today_events: count,
    critical_events: count,
    blocked_attempts: count,
    active_blacklist: count,
    active_sessions: count,
  }),
  events_by_type: z.array(z.object({ type: z.string(), count })),
  events_by_severity: z.array(z.object({ severity: z.string(), count })),
  daily_trend: z.array(
    z.object({ date: z.string(), total: count, blocked: count, critical: count }),
  ),
})
/** A suspension's answer: the license and how many of its sessions ended. */
export const suspendedLicenseSchema = z.object({ license_id: z.string(), sessions_revoked: count })

/** A LicenseCM log entry (a license's logs, the dashboard's recent activity). */
export const logEntrySchema = z
  .object({
    id: z.string(),
    action: z.string(),
    type: z.string(),
    success: z.boolean(),
    ip_address: nullableText,
    hwid: nullableText,
    user_agent: nullableText,
    details: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .meta({ id: 'LicenseLogEntry' })

const totals = {
  total_products: count,
  total_licenses: count,
  active_licenses: count,
  total_activations: count,
}
const dashboardFields = z.object({
  ...totals,
  recent_activity: z.array(
    logEntrySchema.extend({ license_id: nullableText, product_id: nullableText }),
  ),
})
const productStatsFields = z.object({
  total_licenses: count,
  active_licenses: count,
  expired_licenses: count,
  suspended_licenses: count,
  activations_today: count,
  activations_this_week: count,
  activations_this_month: count,
})

export const secretsDtoSchema = secretsFields.meta({ id: 'AccountSecrets' })
export const issuedLicenseFileSchema = issuedFileFields.meta({ id: 'IssuedLicenseFile' })
/** The air-gapped activation's file names the license the request's key opened. */
export const requestedLicenseFileSchema = issuedFileFields.extend({ license_id: z.string() })
export const licenseFileDtoSchema = licenseFileFields.meta({ id: 'LicenseFileRecord' })
export const eventDtoSchema = eventFields.meta({ id: 'SecurityEvent' })
export const securityStatsDtoSchema = securityStatsFields.meta({ id: 'SecurityStats' })
export const securitySettingsDtoSchema = securitySettingsSchema.meta({ id: 'SecuritySettings' })
export const dashboardSchema = dashboardFields.meta({ id: 'StatsDashboard' })
export const productStatsSchema = productStatsFields.meta({ id: 'ProductStats' })

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Totals = Omit<DashboardSummary, 'recent_activity'>
export const MGMT_SCHEMAS_MATCH: [
  Same<z.output<typeof secretsFields>, SecretsDto>,
  Same<z.output<typeof issuedFileFields>, IssuedLicenseFile>,
  Same<z.output<typeof licenseFileFields>, LicenseFileDto>,
  Same<z.output<typeof eventFields>, EventDto>,
  Same<z.output<typeof securityStatsFields>, SecurityStatsDto>,
  Same<
    z.output<typeof suspendedLicenseSchema>,
    (typeof securityChannels)['security.suspendLicense']['output']
  >,
  Same<Omit<z.output<typeof dashboardFields>, 'recent_activity'>, Totals>,
  Same<z.output<typeof productStatsFields>, ProductStats>,
] = [true, true, true, true, true, true, true, true]
