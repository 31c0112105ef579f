import type { DashboardSummary, ProductStats } from '@shared/dto'
import * as repo from '../../db/repositories/stats'
import { toEventDto } from '../../db/repositories/events'
import { type Actor, nowIso, ownerOf, seesAll, type ServiceContext } from '../context'
import type { ProductsService } from '../products'

export { lastDays } from '@shared/period'

/** The engine records each successful activation under this event type. */
export const ACTIVATION_EVENT = 'license_activation'
const DAY = 86_400_000

/** UTC calendar periods: today, this ISO week (from Monday), this month. */
export function periodStarts(now: Date): { today: string; week: string; month: string } {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const week = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY)
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  return { today: today.toISOString(), week: week.toISOString(), month: month.toISOString() }
}

/** LicenseCM's statistics, scoped to what the actor may see (a `user` sees their own products). */
export function createStatsService(ctx: ServiceContext, deps: { products: ProductsService }) {
  function scope(actor: Actor): repo.StatsScope {
    // A user account with no id cannot happen; '\u0000' matches no owner if it ever did.
    return seesAll(actor) ? {} : { ownerId: ownerOf(actor) ?? '\u0000' }
  }

  return {
    async dashboard(
      actor: Actor,
      o: { productId?: string; recent?: number } = {},
    ): Promise<DashboardSummary> {
      const s = { ...scope(actor), productId: o.productId }
      const [products, counts, activations, recent] = await Promise.all([
        o.productId ? Promise.resolve(1) : repo.countProducts(ctx.db, s.ownerId),
        repo.licenseCounts(ctx.db, nowIso(ctx), s),
        repo.countEvents(ctx.db, ACTIVATION_EVENT, s),
        repo.recentLicenseEvents(ctx.db, o.recent ?? 10, s),
      ])
      return {
        total_products: products,
        total_licenses: counts.total,
        active_licenses: counts.active,
        total_activations: activations,
        recent_activity: recent.map(toEventDto),
      }
    },

    async product(actor: Actor, productId: string): Promise<ProductStats> {
      await deps.products.load(actor, productId)
      const s = { productId }
      const p = periodStarts(ctx.clock())
      const [counts, today, week, month] = await Promise.all([
        repo.licenseCounts(ctx.db, nowIso(ctx), s),
        repo.countEvents(ctx.db, ACTIVATION_EVENT, s, p.today),
        repo.countEvents(ctx.db, ACTIVATION_EVENT, s, p.week),
        repo.countEvents(ctx.db, ACTIVATION_EVENT, s, p.month),
      ])
      return {
        total_licenses: counts.total,
        active_licenses: counts.active,
        expired_licenses: counts.expired,
        suspended_licenses: counts.suspended,
        activations_today: today,
        activations_this_week: week,
        activations_this_month: month,
      }
    },
  }
}

export type StatsService = ReturnType<typeof createStatsService>
