import { z } from 'zod'
import type { EventDto, Page, Severity } from '../dto'
import { channel, none } from './channel'

/** Every security event type LicenseCM names; the security log lists these by default. */
export const SECURITY_EVENT_TYPES = [
  'license_validation',
  'license_activation',
  'license_deactivation',
  'hwid_mismatch',
  'hwid_spoof_attempt',
  'ip_mismatch',
  'geo_anomaly',
  'debug_detected',
  'vm_detected',
  'tamper_detected',
  'replay_attack',
  'brute_force',
  'blacklist_hit',
  'session_hijack',
  'rate_limit_exceeded',
] as const
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number]

export const blacklistTypeSchema = z.enum(['ip', 'hwid', 'license', 'fingerprint'])
export type BlacklistType = z.infer<typeof blacklistTypeSchema>
export const blacklistSeveritySchema = z.enum(['low', 'medium', 'high', 'critical'])
export const eventSeveritySchema = z.enum(['info', 'low', 'medium', 'high', 'critical'])

/** A boolean as JSON gives it or as a query string does (`true`/`false`/`1`/`0`). */
export const boolish = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
])
/** A positive integer as JSON or a query string gives it. */
const intish = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,9}$/, 'Expected a whole number')
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max))
const pageFields = { page: intish(1, 1_000_000).default(1), limit: intish(1, 500).default(50) }
const isoDate = z.iso.datetime({ offset: true })

export const listBlacklistSchema = z.object({
  type: blacklistTypeSchema.optional(),
  severity: blacklistSeveritySchema.optional(),
  is_active: boolish.optional(),
  source: z.enum(['manual', 'detection']).optional(),
  q: z.string().max(200).optional(),
  ...pageFields,
})
export type ListBlacklistInput = z.input<typeof listBlacklistSchema>
export type ListBlacklistQuery = z.output<typeof listBlacklistSchema>

export const addBlacklistSchema = z.object({
  type: blacklistTypeSchema,
  value: z.string().trim().min(1, 'Value is required').max(512),
  reason: z.string().max(500).optional(),
  severity: blacklistSeveritySchema.default('medium'),
  expires_at: isoDate.nullable().optional(),
})
export type AddBlacklistInput = z.input<typeof addBlacklistSchema>
export type AddBlacklistParsed = z.output<typeof addBlacklistSchema>

export const listSecurityEventsSchema = z.object({
  event_type: z.string().max(64).optional(),
  severity: eventSeveritySchema.optional(),
  license_id: z.string().max(64).optional(),
  ip_address: z.string().max(64).optional(),
  hwid: z.string().max(512).optional(),
  is_blocked: boolish.optional(),
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  ...pageFields,
})
export type ListSecurityEventsInput = z.input<typeof listSecurityEventsSchema>
export type ListSecurityEventsQuery = z.output<typeof listSecurityEventsSchema>

export const listSessionsSchema = z.object({
  license_id: z.string().max(64).optional(),
  is_active: boolish.optional(),
  ...pageFields,
})
export type ListSessionsInput = z.input<typeof listSessionsSchema>
export type ListSessionsQuery = z.output<typeof listSessionsSchema>

export const reasonSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() })
export const requiredReasonSchema = z.object({
  reason: z.string().trim().min(1, 'A reason is required').max(500),
})

export const blockIpSchema = z.object({
  ip: z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
    error: 'Expected an IP address or CIDR',
  }),
  reason: z.string().max(500).optional(),
  duration_hours: z.number().int().min(1).max(87_600).default(24),
})
export const blockHwidSchema = z.object({
  hwid: z.string().trim().min(1, 'HWID is required').max(512),
  reason: z.string().max(500).optional(),
  duration_hours: z.number().int().min(1).max(87_600).default(720),
})
export type BlockIpParsed = z.output<typeof blockIpSchema>
export type BlockHwidParsed = z.output<typeof blockHwidSchema>

/** Detection thresholds (setting `security`). */
export const securitySettingsSchema = z.object({
  brute_force: z.object({
    /** Distinct failed license keys from one IP or HWID that trigger a block. */
    max_failures: z.number().int().min(2).max(10_000),
    window_seconds: z.number().int().min(10).max(86_400),
    block_minutes: z.number().int().min(1).max(525_600),
  }),
  hwid_spoof: z.object({
    /** Distinct license keys one HWID may present from distinct IPs within the window. */
    max_keys_per_hwid: z.number().int().min(2).max(10_000),
    /** Distinct HWIDs one IP may present for one license key within the window. */
    max_hwids_per_key: z.number().int().min(2).max(10_000),
    window_seconds: z.number().int().min(10).max(86_400),
    /** `flag` records the event; `block` also blocks the HWID for brute_force.block_minutes. */
    action: z.enum(['flag', 'block']),
  }),
  webhooks: z.object({
    /** Whether `user` accounts may point webhooks at loopback or private-network addresses. */
    allow_private_for_users: z.boolean(),
  }),
  /** Sources detections never block (brute force, HWID spoofing); the blacklist still applies. */
  allowlist: z.object({
    ips: z.array(z.string().trim().min(1).max(64)).max(1000),
    hwids: z.array(z.string().trim().min(1).max(512)).max(1000),
  }),
})
export type SecuritySettings = z.infer<typeof securitySettingsSchema>
export const updateSecuritySettingsSchema = z.object({
  brute_force: securitySettingsSchema.shape.brute_force.partial().optional(),
  hwid_spoof: securitySettingsSchema.shape.hwid_spoof.partial().optional(),
  webhooks: securitySettingsSchema.shape.webhooks.partial().optional(),
  allowlist: securitySettingsSchema.shape.allowlist.partial().optional(),
})
export type UpdateSecuritySettingsInput = z.output<typeof updateSecuritySettingsSchema>

export interface BlacklistEntryDto {
  id: string
  type: BlacklistType
  value: string
  reason: string
  severity: Exclude<Severity, 'info'>
  /** Active and not expired now. */
  is_active: boolean
  expires_at: string | null
  created_by: string | null
  source: 'manual' | 'detection'
  created_at: string
}

export interface SecurityStatsDto {
  overview: {
    today_events: number
    critical_events: number
    blocked_attempts: number
    active_blacklist: number
    active_sessions: number
  }
  events_by_type: { type: string; count: number }[]
  events_by_severity: { severity: string; count: number }[]
  daily_trend: { date: string; total: number; blocked: number; critical: number }[]
}

export interface SessionDto {
  id: string
  license_id: string
  license_key: string | null
  product_id: string | null
  machine_id: string | null
  protocol: string
  hwid: string | null
  ip: string | null
  user_agent: string | null
  is_active: boolean
  created_at: string
  expires_at: string
  last_seen_at: string
  revoked_at: string | null
  revoked_reason: string | null
}

const id = z.object({ id: z.string().min(1).max(64) })

export const listIncidentsSchema = z.object({
  /** How far back, in days (default 30). */
  days: intish(1, 365).default(30),
  limit: intish(1, 500).default(100),
})
export type ListIncidentsInput = z.input<typeof listIncidentsSchema>
export type ListIncidentsQuery = z.output<typeof listIncidentsSchema>

/**
 * Security events grouped by rule (the event type) and source (what the rule acted on): a
 * brute-force block, 99 blacklist hits from one IP, each one row with first/last seen.
 */
export interface IncidentDto {
  rule: string
  source_type: BlacklistType | 'unknown'
  /** The IP, HWID or license id; null when the events carried none. */
  source: string | null
  /** The highest severity among the events. */
  severity: Exclude<Severity, 'info'>
  count: number
  /** How many of the events were refused. */
  blocked: number
  first_seen: string
  last_seen: string
  /** The blacklist entry the rule blocked with, while it still blocks. */
  block: { entry_id: string; expires_at: string | null; source: 'manual' | 'detection' } | null
  /** Whether the source is on the detection allow-list (never blocked automatically). */
  allowlisted: boolean
}

export const allowSourceSchema = z.object({
  type: z.enum(['ip', 'hwid']),
  value: z.string().trim().min(1, 'A value is required').max(512),
})
export type AllowSourceInput = z.infer<typeof allowSourceSchema>

/** The security center: overview, event log, blacklist, sessions, quick blocks, thresholds. */
export const securityChannels = {
  'security.stats': channel(none).for('user').returns<SecurityStatsDto>(),
  'security.events': channel(listSecurityEventsSchema).for('user').returns<Page<EventDto>>(),
  'security.incidents': channel(listIncidentsSchema).for('admin').returns<IncidentDto[]>(),
  /** Puts an incident's source on the detection allow-list and lifts its automatic block. */
  'security.allowSource': channel(allowSourceSchema)
    .for('admin')
    .returns<{ allowlisted: true; unblocked: boolean }>(),
  'security.blacklist': channel(listBlacklistSchema)
    .for('admin')
    .returns<Page<BlacklistEntryDto>>(),
  'security.blacklistAdd': channel(addBlacklistSchema).for('admin').returns<BlacklistEntryDto>(),
  'security.blacklistRemove': channel(id).for('admin').returns<{ deleted: true }>(),
  'security.blacklistSetActive': channel(id.extend({ is_active: z.boolean() }))
    .for('admin')
    .returns<BlacklistEntryDto>(),
  'security.blockIp': channel(blockIpSchema).for('admin').returns<BlacklistEntryDto>(),
  'security.blockHwid': channel(blockHwidSchema).for('admin').returns<BlacklistEntryDto>(),
  'security.sessions': channel(listSessionsSchema).for('user').returns<Page<SessionDto>>(),
  'security.revokeSession': channel(id.extend(reasonSchema.shape))
    .for('user')
    .returns<SessionDto>(),
  'security.suspendLicense': channel(id.extend(requiredReasonSchema.shape)).for('user').returns<{
    license_id: string
    sessions_revoked: number
  }>(),
  'security.settings': channel(none).for('admin').returns<SecuritySettings>(),
  'security.updateSettings': channel(updateSecuritySettingsSchema)
    .for('admin')
    .returns<SecuritySettings>(),
} as const
