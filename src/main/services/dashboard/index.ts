import type { DashboardStats } from '@shared/channels/dashboard'
import type { Severity } from '@shared/dto'
import * as repo from '../../db/repositories/dashboard'
import { type Actor, ownerOf, seesAll, type ServiceContext } from '../context'

const DAY = 86_400_000
const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical']

/** Start of the UTC day of `d`. */
function dayStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
}

/** The console and admins see the installation; a `user` account its own products' numbers. */
function scopeOf(actor: Actor): repo.DashboardScope {
  // A user account with no id cannot happen; '\u0000' matches no owner if it ever did.
  return seesAll(actor) ? { all: true } : { ownerId: ownerOf(actor) ?? '\u0000' }
}

/**
 * The dashboard's numbers, scoped to what the actor may see (the same scoping as the REST
 * stats routes: a `user` account counts only its own products, licenses, events and orders). "Today", "this week" (ISO, from Monday) and "this month" are UTC
 * calendar periods, like every time the server stores.
 */
export function createDashboardService(ctx: ServiceContext) {
  return {
    async summary(actor: Actor): Promise<DashboardStats> {
      const scope = scopeOf(actor)
      const now = ctx.clock()
      const nowIso = now.toISOString()
      const today = dayStart(now)
      const week = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY)
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
      const from30 = new Date(today.getTime() - 29 * DAY).toISOString()
      const db = ctx.db
      const minuteAgo = new Date(now.getTime() - 60_000).toISOString()
      // Independent reads: on PostgreSQL they run side by side on pooled connections; on
      // SQLite they queue for the one connection as before.
      const [activity, severities, products, licenses, acts, perMinute, revenue, outcomes] =
        await Promise.all([
          repo.dailyActivity(db, from30, scope),
          repo.severityCounts(db, from30, scope),
          repo.productCount(db, scope),
          repo.licenseTotals(db, nowIso, scope),
          Promise.all(
            [today, week, month].map((d) => repo.countActivationsSince(db, d.toISOString(), scope)),
          ),
          repo.countValidationsSince(db, minuteAgo, scope),
          repo.paidRevenue(db, scope),
          repo.validationOutcomes(db, from30, scope),
        ])
      const byDate = new Map(activity.map((d) => [d.date, d]))
      const daily = Array.from({ length: 30 }, (_, i) => {
        const date = new Date(Date.parse(from30) + i * DAY).toISOString().slice(0, 10)
        const d = byDate.get(date)
        return { date, activations: d?.activations ?? 0, validations: d?.validations ?? 0 }
      })
      const bySeverity = new Map(severities.map((s) => [s.severity, s.count]))

      return {
        totals: { products, ...licenses },
        activations: { today: acts[0], week: acts[1], month: acts[2] },
        validations_per_minute: perMinute,
        revenue,
        daily,
        outcomes,
        security: SEVERITIES.map((severity) => ({
          severity,
          count: bySeverity.get(severity) ?? 0,
        })),
        generated_at: nowIso,
      }
    },
  }
}

export type DashboardService = ReturnType<typeof createDashboardService>
