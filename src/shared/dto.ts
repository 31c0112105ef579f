/**
 * Data shapes the console and the protocols read. Snake_case as on the wire (LicenseCM's
 * JSON), so one shape serves the management API and the console alike.
 */

import type { PolicyOverride, SeatPolicy, SeatUsage } from './policy'

export interface Page<T> {
  items: T[]
  page: number
  limit: number
  total: number
}

export type LicenseType = 'trial' | 'subscription' | 'lifetime'
/** `expired` is derived from `expires_at` at read time as well as stored. */
export type LicenseStatus = 'active' | 'suspended' | 'banned' | 'expired'
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical'

export interface LicenseDefaults {
  type: LicenseType
  max_uses: number
  hwid_locked: boolean
  /** null = never expires */
  duration_days: number | null
  level: number
}

export type IndicatorPolicy = 'ignore' | 'flag' | 'block'

/** A product's policy: the seat policy (shared/policy.ts) plus sessions, pace, indicators. */
export interface ProductPolicy extends SeatPolicy {
  session_minutes: number
  /** Validation requests per minute per license per IP. */
  validate_per_minute: number
  vm_policy: IndicatorPolicy
  debug_policy: IndicatorPolicy
}

export interface ProductDto {
  id: string
  num: number
  owner_id: string | null
  name: string
  description: string
  secret_key: string
  is_active: boolean
  price_cents: number
  currency: string
  stock: number | null
  license_defaults: LicenseDefaults
  policy: ProductPolicy
  /** Payment state (DevPayr's `has_paid`): set by an update or by a paid store order. */
  has_paid: boolean
  license_count?: number
  created_at: string
  updated_at: string
}

export interface LicenseDto {
  id: string
  num: number
  license_key: string
  product_id: string
  product_name?: string
  type: LicenseType
  status: LicenseStatus
  status_reason: string | null
  level: number
  /** The HWID of the first bound machine, as LicenseCM shows it. */
  hwid: string | null
  hwid_locked: boolean
  max_uses: number
  current_uses: number
  max_sessions: number | null
  expires_at: string | null
  metadata: Record<string, unknown>
  notes: string
  /** The license's own policy fields over its product's; null = the product's policy. */
  policy_override: PolicyOverride | null
  /** The effective seat policy (product default merged with the override). */
  policy: SeatPolicy
  /** Floating seats held now (null for a node-locked license). */
  seats: SeatUsage | null
  customer_id: string | null
  customer_email: string | null
  /** A display title (DevPayr's license `title`). */
  title: string | null
  /** production, staging, test or development: which domains the license may run on. */
  environment: string
  created_at: string
  updated_at: string
}

export interface EventDto {
  id: number
  type: string
  severity: Severity
  product_id: string | null
  license_id: string | null
  machine_id: string | null
  hwid: string | null
  ip: string | null
  user_agent: string | null
  details: Record<string, unknown>
  blocked: boolean
  created_at: string
}

export interface ServerStatus {
  up: boolean
  /** The URL the server answers on from this machine. */
  url: string | null
  /** Every URL clients may use: loopback and, when exposed, each LAN address. */
  urls: string[]
  host: string
  port: number
  version: string
  data_dir: string
  started_at: string | null
  public_key: string | null
  /** The Ed25519 key license files and revocation lists are signed with (SPKI PEM). */
  ed25519_public_key: string | null
  /** Processes serving HTTP on the port (`serve --workers N`; the desktop app: 1). */
  workers: number
}

/** The stats service's totals and recent activity (GET /api/stats/dashboard sends the activity as log entries). */
export interface DashboardSummary {
  total_products: number
  total_licenses: number
  active_licenses: number
  total_activations: number
  recent_activity: EventDto[]
}

/** One product's license counts and activations (GET /api/stats/products/:id). */
export interface ProductStats {
  total_licenses: number
  active_licenses: number
  expired_licenses: number
  suspended_licenses: number
  activations_today: number
  activations_this_week: number
  activations_this_month: number
}
