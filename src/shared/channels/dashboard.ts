import type { Severity } from '../dto'
import { channel, none } from './channel'

export interface DashboardStats {
  totals: {
    products: number
    licenses: number
    active: number
    expired: number
    suspended: number
    banned: number
  }
  activations: { today: number; week: number; month: number }
  /** Validations in the last 60 seconds. */
  validations_per_minute: number
  /** Paid orders, when the store is used (null when there are none). */
  revenue: { cents: number; currency: string; orders: number } | null
  /** The last 30 UTC days, oldest first, zero-filled. */
  daily: { date: string; activations: number; validations: number }[]
  /** Validation outcomes over the last 30 days: 'valid' or the refusal code. */
  outcomes: { outcome: string; count: number }[]
  /** Events above `info` over the last 30 days. */
  security: { severity: Severity; count: number }[]
  generated_at: string
}

/** The console's dashboard numbers, computed from the licenses table and the event log. */
export const dashboardChannels = {
  'dashboard.summary': channel(none).for('user').returns<DashboardStats>(),
} as const
