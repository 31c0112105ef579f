import { updateAccountSchema, updateSettingsSchema } from '@shared/accounts'
import { principalOf, typed, type RouteFamily } from './context'
import { idParams } from './products'
import { ok } from './reply'
import { needsScope } from '../../middleware/api-key'

/**
 * GET /api/admin/users, PUT /api/admin/users/:id (role user/admin, is_active), and
 * GET|PUT /api/admin/settings (opening registration, token lifetime, API rate limit).
 */
export const adminRoutes: RouteFamily = async (app, { services, auth }) => {
  const r = typed(app)
  // The scope is declared; the account's role (admin or owner) is the route's own check.
  const admin = { config: { access: needsScope('admin') }, preValidation: auth.requireAdmin }
  const tags = ['admin']

  r.get('/admin/users', { ...admin, schema: { summary: 'List accounts', tags } }, async (req) =>
    ok(await services.accounts.list(principalOf(req).actor)),
  )

  r.put(
    '/admin/users/:id',
    {
      ...admin,
      schema: {
        summary: 'Change role or active flag of an account',
        params: idParams,
        body: updateAccountSchema,
        tags,
      },
    },
    async (req) =>
      ok(await services.accounts.update(principalOf(req).actor, req.params.id, req.body)),
  )

  r.get(
    '/admin/settings',
    { ...admin, schema: { summary: 'Installation settings', tags } },
    async () => ok(await services.settings.get()),
  )

  r.put(
    '/admin/settings',
    {
      ...admin,
      schema: { summary: 'Change installation settings', body: updateSettingsSchema, tags },
    },
    async (req) => ok(await services.settings.update(principalOf(req).actor, req.body)),
  )
}
