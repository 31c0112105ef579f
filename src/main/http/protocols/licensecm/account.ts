import { needsScope } from '../../middleware/api-key'
import { principalOf, typed, type RouteFamily } from './context'
import { secretsDtoSchema } from '@shared/dto-schemas-mgmt'
import { envelope, ok } from './reply'

const response = { 200: envelope(secretsDtoSchema) }

/**
 * GET /api/account/secrets and POST /api/account/secrets/regenerate: the caller's SellRealm
 * `auth_secret` (License API v0) and `store_secret` (Store API v1). Whoever holds them acts
 * as the account on those surfaces, so an API key needs the `admin` scope here.
 */
export const accountRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const admin = needsScope('admin')

  r.get(
    '/account/secrets',
    {
      schema: {
        tags: ['account'],
        summary: "The account's SellRealm auth_secret and store_secret",
        response,
      },
      config: { access: admin },
    },
    async (req) => ok(await services.store.secrets.get(principalOf(req).actor)),
  )

  r.post(
    '/account/secrets/regenerate',
    {
      schema: {
        tags: ['account'],
        summary: 'New SellRealm secrets; the old ones stop working at once',
        response,
      },
      config: { access: admin },
    },
    async (req) => ok(await services.store.secrets.regenerate(principalOf(req).actor)),
  )
}
