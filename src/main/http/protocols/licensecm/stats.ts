import { needsScope } from '../../middleware/api-key'
import { assertProductAllowed, principalOf, typed, type RouteFamily } from './context'
import { toLogEntry } from './licenses'
import { idParams } from './products'
import { dashboardSchema, productStatsSchema } from '@shared/dto-schemas-mgmt'
import { envelope, ok } from './reply'

/** GET /api/stats/dashboard, GET /api/stats/products/:id. */
export const statsRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('stats:read')
  const tags = ['stats']

  r.get(
    '/stats/dashboard',
    {
      config: { access: read },
      schema: {
        summary: 'Totals and recent activity',
        tags,
        response: { 200: envelope(dashboardSchema) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      const d = await services.stats.dashboard(p.actor, { productId: p.productId ?? undefined })
      return ok({
        ...d,
        recent_activity: d.recent_activity.map((e) => ({
          ...toLogEntry(e),
          license_id: e.license_id,
          product_id: e.product_id,
        })),
      })
    },
  )

  r.get(
    '/stats/products/:id',
    {
      config: { access: read },
      schema: {
        summary: 'License counts and activations of one product',
        params: idParams,
        tags,
        response: { 200: envelope(productStatsSchema) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      assertProductAllowed(p, req.params.id)
      return ok(await services.stats.product(p.actor, req.params.id))
    },
  )
}
