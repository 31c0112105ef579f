import { DomainError } from '@shared/errors'
import { hasScope } from '../../middleware/auth'
import { principalOf, typed, type RouteFamily } from './context'
import { ok } from './reply'

/**
 * GET /api/account/secrets and POST /api/account/secrets/regenerate: the caller's SellRealm
 * `auth_secret` (License API v0) and `store_secret` (Store API v1). Whoever holds them acts
 * as the account on those surfaces, so an API key needs the `admin` scope here.
 */
export const accountRoutes: RouteFamily = async (app, { services, auth }) => {
  const r = typed(app)
  const guard = async (req: Parameters<typeof auth.requireAuth>[0]) => {
    const p = await auth.authenticate(req)
    if (p.via === 'api_key' && !hasScope(p, 'admin')) {
      throw new DomainError('FORBIDDEN', 'This API key lacks the admin scope')
    }
  }

  r.get(
    '/account/secrets',
    {
      schema: {
        tags: ['account'],
        summary: "The account's SellRealm auth_secret and store_secret",
      },
      preValidation: guard,
    },
    async (req) => ok(await services.store.secrets.get(principalOf(req).actor)),
  )

  r.post(
    '/account/secrets/regenerate',
    {
      schema: {
        tags: ['account'],
        summary: 'New SellRealm secrets; the old ones stop working at once',
      },
      preValidation: guard,
    },
    async (req) => ok(await services.store.secrets.regenerate(principalOf(req).actor)),
  )
}
