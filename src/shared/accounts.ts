import { z } from 'zod'

/**
 * Accounts, installation settings and notifications: schemas and shapes shared by the
 * services, the management API, the console contract and the console's forms.
 */

export const ACCOUNT_ROLES = ['owner', 'admin', 'user'] as const
export type AccountRole = (typeof ACCOUNT_ROLES)[number]

export const emailSchema = z
  .email('A valid email address is required')
  .max(320)
  .transform((e) => e.trim().toLowerCase())
export const passwordSchema = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(200, 'Password must be at most 200 characters')
export const displayNameSchema = z.string().trim().min(1).max(120)

export const registerSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  display_name: displayNameSchema.optional(),
})
export type RegisterInput = z.infer<typeof registerSchema>

export const loginSchema = z.object({
  email: z.string().min(1, 'Email is required').max(320),
  password: z.string().min(1, 'Password is required').max(1000),
})
export type LoginInput = z.infer<typeof loginSchema>

export const changePasswordSchema = z.object({
  current_password: z.string().min(1, 'Current password is required').max(1000),
  new_password: passwordSchema,
})
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>

/** What an admin may change on another account (LicenseCM: role user/admin, is_active). */
export const updateAccountSchema = z.object({
  role: z.enum(['user', 'admin']).optional(),
  is_active: z.boolean().optional(),
  display_name: displayNameSchema.optional(),
})
export type UpdateAccountInput = z.infer<typeof updateAccountSchema>

/** An account created by an admin or from the console (an invitation with a first password). */
export const createAccountSchema = registerSchema.extend({
  role: z.enum(['user', 'admin']).default('user'),
})
export type CreateAccountInput = z.infer<typeof createAccountSchema>

export interface AccountDto {
  id: string
  email: string
  display_name: string
  role: AccountRole
  is_active: boolean
  created_at: string
  updated_at: string
  last_login_at: string | null
}

/** An IPv4/IPv6 address or CIDR block (`10.0.0.0/8`, `fd00::/8`). */
const addressOrCidr = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
  error: 'Expected an IP address or a CIDR block such as 10.0.0.0/8',
})
/** A host name or address as a Host header names it, without port. */
const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9_]([a-z0-9_.:-]{0,251}[a-z0-9_])?)$/, {
    error: 'Expected a host name or address without port, such as keys.example.com',
  })

/** The installation's settings an admin can change. */
export const settingsSchema = z.object({
  /** Whether anyone may register an account over the API (the first account always may, from loopback). */
  registration_open: z.boolean(),
  /** Lifetime of a management-API access token. */
  access_token_ttl_minutes: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60),
  /** Management API requests per minute per client IP. */
  api_rate_limit_per_minute: z.number().int().min(1).max(1_000_000),
  /**
   * Whether the management API (/api except the client API) answers requests from other
   * machines. Off: only this machine (loopback) may manage, even when the server listens on
   * the LAN for shipped apps.
   */
  management_remote_access: z.boolean(),
  /**
   * Proxies (addresses or CIDR blocks) whose `X-Forwarded-For` / `Forwarded` headers are
   * believed. Empty: no forwarding header is believed, and a request carrying one is never
   * treated as coming from this machine.
   */
  trusted_proxies: z.array(addressOrCidr).max(100),
  /**
   * Host names the management API and the console answer to besides the machine's own
   * names and addresses (e.g. the public name a reverse proxy forwards).
   */
  allowed_hosts: z.array(hostName).max(100),
  /**
   * Client validations per minute per license key per IP: the limit of keys that are not
   * found, and the `validate_per_minute` new products start with (each product can change its own).
   */
  client_validate_per_minute: z.number().int().min(1).max(100_000),
  /** How far an encrypted request's timestamp may be from the server's clock, either way. */
  envelope_window_seconds: z.number().int().min(10).max(3600),
  /** Longest a client may take to send a whole request (headers and body); then 408 and closed. */
  http_request_timeout_seconds: z.number().int().min(1).max(3600),
  /** Longest a client may take to send a request's headers; then 408 and closed. */
  http_headers_timeout_seconds: z.number().int().min(1).max(600),
  /** How long an idle keep-alive connection stays open waiting for the next request. */
  http_keep_alive_timeout_seconds: z.number().int().min(1).max(600),
  /** Requests one connection may carry before the server closes it (0: no limit). */
  http_max_requests_per_connection: z.number().int().min(0).max(1_000_000),
  /** Open connections the server accepts at once; more are closed on arrival. */
  http_max_connections: z.number().int().min(1).max(100_000),
})
export type SettingsDto = z.infer<typeof settingsSchema>
export const updateSettingsSchema = settingsSchema.partial()
export type UpdateSettingsInput = z.infer<typeof updateSettingsSchema>

export const DEFAULT_SETTINGS: SettingsDto = {
  registration_open: false,
  access_token_ttl_minutes: 24 * 60,
  api_rate_limit_per_minute: 100,
  management_remote_access: false,
  trusted_proxies: [],
  allowed_hosts: [],
  client_validate_per_minute: 10,
  envelope_window_seconds: 300,
  http_request_timeout_seconds: 30,
  http_headers_timeout_seconds: 10,
  http_keep_alive_timeout_seconds: 10,
  // 0: no limit. A limit makes Node answer 503 to requests a keep-alive client already sent
  // past it (autocannon showed it); idle connections end by the keep-alive timeout instead.
  http_max_requests_per_connection: 0,
  http_max_connections: 1024,
}

export interface NotificationDto {
  id: string
  type: string
  title: string
  message: string
  is_read: boolean
  created_at: string
}
