import type { DashboardStats, RevenueFigure } from '@shared/channels/dashboard'
import type { Severity } from '@shared/dto'
import * as repo from '../../db/repositories/dashboard'
import * as figures from '../../db/repositories/figures'
import { lastDays } from '../stats'
import { type Actor, ownerOf, seesAll, type ServiceContext } from '../context'

const DAY = 86_400_000
const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical']

/** The console and admins see the installation; a `user` account its own products' numbers. */
function scopeOf(actor: Actor): repo.DashboardScope {
  // A user account with no id cannot happen; '\u0000' matches no owner if it ever did.
  return seesAll(actor) ? { all: true } : { ownerId: ownerOf(actor) ?? '\u0000' }
}

/**
 * The dashboard's numbers, scoped to what the actor may see (the same scoping as the REST
 * stats routes: a `user` account counts only its own products, licenses, events and orders).
 * "Today" and "the last 30 days" are UTC calendar days, like every time the server stores,
 * and the same windows Store › Analytics uses by default.
 */
export function createDashboardService(ctx: ServiceContext) {
  return {
    async summary(actor: Actor): Promise<DashboardStats> {
      const scope = scopeOf(actor)
      const now = ctx.clock()
      const nowIso = now.toISOString()
      // The same window as Store › Analytics (lastDays), so the two screens show one number.
      const window = lastDays(now)
      const today = nowIso.slice(0, 10)
      const db = ctx.db
      const minuteAgo = new Date(now.getTime() - 60_000).toISOString()
      // Independent reads: on PostgreSQL they run side by side on pooled connections; on
      // SQLite they queue for the one connection as before.
      const [acts, money, validations, severities, products, licenses, perMinute, outcomes] =
        await Promise.all([
          figures.activationRows(db, scope, window),
          figures.revenueRows(db, scope, window),
          repo.dailyValidations(db, window.from, scope),
          repo.severityCounts(db, window.from, scope),
          repo.productCount(db, scope),
          repo.licenseTotals(db, nowIso, scope),
          repo.countValidationsSince(db, minuteAgo, scope),
          repo.validationOutcomes(db, window.from, scope),
        ])
      const perDay = (rows: { day: string; n: number }[]) => {
        const m = new Map<string, number>()
        for (const r of rows) m.set(r.day, (m.get(r.day) ?? 0) + r.n)
        return m
      }
      const actsByDay = perDay(acts)
      const valsByDay = perDay(validations)
      const daily = Array.from({ length: 30 }, (_, i) => {
        const date = new Date(Date.parse(window.from) + i * DAY).toISOString().slice(0, 10)
        return {
          date,
          activations: actsByDay.get(date) ?? 0,
          validations: valsByDay.get(date) ?? 0,
        }
      })
      const bySeverity = new Map(severities.map((s) => [s.severity, s.count]))

      return {
        totals: { products, ...licenses },
        activations: {
          today: actsByDay.get(today) ?? 0,
          last_30_days: acts.reduce((n, r) => n + r.n, 0),
        },
        validations_per_minute: perMinute,
        revenue: {
          today: revenueOf(money, (day) => day === today),
          last_30_days: revenueOf(money, () => true),
        },
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

/** Paid minus refunded per currency over the days `keep` accepts, largest first. */
function revenueOf(
  money: Awaited<ReturnType<typeof figures.revenueRows>>,
  keep: (day: string) => boolean,
): RevenueFigure[] {
  const by = new Map<string, RevenueFigure>()
  const of = (currency: string) =>
    by.get(currency) ?? by.set(currency, { currency, cents: 0, orders: 0 }).get(currency)!
  for (const r of money.paid.filter((r) => keep(r.day))) {
    of(r.currency).cents += r.cents
    of(r.currency).orders += r.n
  }
  for (const r of money.refunded.filter((r) => keep(r.day))) of(r.currency).cents -= r.cents
  return [...by.values()].sort((a, b) => b.cents - a.cents || a.currency.localeCompare(b.currency))
}

export type DashboardService = ReturnType<typeof createDashboardService>
