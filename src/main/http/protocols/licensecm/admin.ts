import { z } from 'zod'
import { settingsSchema, updateAccountSchema, updateSettingsSchema } from '@shared/accounts'
import { accountDtoSchema } from '@shared/dto-schemas'
import { principalOf, typed, type RouteFamily } from './context'
import { idParams } from './products'
import { envelope, ok } from './reply'
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
  const account = { 200: envelope(accountDtoSchema) }
  // SettingsDto is settingsSchema's own output type.
  const settings = { 200: envelope(settingsSchema) }

  r.get(
    '/admin/users',
    {
      ...admin,
      schema: {
        summary: 'List accounts',
        tags,
        response: { 200: envelope(z.array(accountDtoSchema)) },
      },
    },
    async (req) => ok(await services.accounts.list(principalOf(req).actor)),
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
        response: account,
      },
    },
    async (req) =>
      ok(await services.accounts.update(principalOf(req).actor, req.params.id, req.body)),
  )

  r.get(
    '/admin/settings',
    { ...admin, schema: { summary: 'Installation settings', tags, response: settings } },
    async () => ok(await services.settings.get()),
  )

  r.put(
    '/admin/settings',
    {
      ...admin,
      schema: {
        summary: 'Change installation settings',
        body: updateSettingsSchema,
        tags,
        response: settings,
      },
    },
    async (req) => ok(await services.settings.update(principalOf(req).actor, req.body)),
  )
}
