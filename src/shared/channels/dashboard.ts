import type { Severity } from '../dto'
import { channel, none } from './channel'

/** Money in one currency over a period, and the orders paid in it. */
export interface RevenueFigure {
  currency: string
  cents: number
  /** Orders paid in the period. */
  orders: number
}

export interface DashboardStats {
  totals: {
    products: number
    licenses: number
    active: number
    expired: number
    suspended: number
    banned: number
  }
  /**
   * Successful activations (every protocol), over the same windows as Store › Analytics:
   * today (UTC) and the last 30 UTC days ending today.
   */
  activations: { today: number; last_30_days: number }
  /** Validations in the last 60 seconds. */
  validations_per_minute: number
  /**
   * Revenue per currency (paid minus refunded, never converted), largest first, for today and
   * the last 30 days: the figures Store › Analytics shows for the same window. Empty lists when
   * nothing was sold.
   */
  revenue: { today: RevenueFigure[]; last_30_days: RevenueFigure[] }
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
