import { z } from 'zod'
import {
  addBlacklistSchema,
  blockHwidSchema,
  blockIpSchema,
  listBlacklistSchema,
  listSecurityEventsSchema,
  listSessionsSchema,
  reasonSchema,
  requiredReasonSchema,
  updateSecuritySettingsSchema,
} from '@shared/channels/security'
import { needsScope } from '../../middleware/api-key'
import { principalOf, typed, type RouteFamily } from './context'
import { blacklistEntryDtoSchema, deletedSchema, sessionDtoSchema } from '@shared/dto-schemas-hooks'
import { paginationSchema } from '@shared/dto-schemas'
import {
  eventDtoSchema,
  securitySettingsDtoSchema,
  securityStatsDtoSchema,
  suspendedLicenseSchema,
} from '@shared/dto-schemas-mgmt'
import { envelope, ok, pagination } from './reply'

const idParams = z.object({ id: z.string().min(1).max(64) })
const entryCreated = { 201: envelope(blacklistEntryDtoSchema) }
const settingsAnswer = { 200: envelope(securitySettingsDtoSchema) }

/**
 * /api/security/*: the security center. Any authenticated account may call these; the
 * service scopes what it answers (a `user` sees events and sessions of their own products;
 * the blacklist, quick blocks and thresholds are admin-only and answer FORBIDDEN otherwise).
 * Temporary blocks from detection never apply here: they screen client surfaces only.
 */
export const securityRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('security:read')
  const write = needsScope('security:write')
  const sec = services.security
  const tags = ['security']

  r.get(
    '/security/blacklist',
    {
      config: { access: read },
      schema: {
        summary: 'List blacklist entries',
        querystring: listBlacklistSchema,
        tags,
        response: {
          200: envelope(
            z.object({ blacklist: z.array(blacklistEntryDtoSchema), pagination: paginationSchema }),
          ),
        },
      },
    },
    async (req) => {
      const p = await sec.listBlacklist(principalOf(req).actor, req.query)
      return ok({ blacklist: p.items, pagination: pagination(p.page, p.limit, p.total) })
    },
  )

  r.post(
    '/security/blacklist',
    {
      config: { access: write },
      schema: {
        response: entryCreated,
        summary: 'Add an IP, HWID or key to the blacklist',
        body: addBlacklistSchema,
        tags,
      },
    },
    async (req, reply) =>
      reply.status(201).send(ok(await sec.addBlacklist(principalOf(req).actor, req.body))),
  )

  r.delete(
    '/security/blacklist/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Remove a blacklist entry',
        params: idParams,
        tags,
        response: { 200: envelope(deletedSchema) },
      },
    },
    async (req) => {
      await sec.removeBlacklist(principalOf(req).actor, req.params.id)
      return ok({ deleted: true })
    },
  )

  // Deactivate (or re-activate) an entry without losing it.
  r.patch(
    '/security/blacklist/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Turn a blacklist entry on or off',
        params: idParams,
        body: z.object({ is_active: z.boolean() }),
        tags,
        response: { 200: envelope(blacklistEntryDtoSchema) },
      },
    },
    async (req) =>
      ok(await sec.setBlacklistActive(principalOf(req).actor, req.params.id, req.body.is_active)),
  )

  r.get(
    '/security/events',
    {
      config: { access: read },
      schema: {
        summary: 'List security events',
        querystring: listSecurityEventsSchema,
        tags,
        response: {
          200: envelope(z.object({ events: z.array(eventDtoSchema), pagination: paginationSchema })),
        },
      },
    },
    async (req) => {
      const p = await sec.events(principalOf(req).actor, req.query)
      return ok({ events: p.items, pagination: pagination(p.page, p.limit, p.total) })
    },
  )

  r.get(
    '/security/stats',
    {
      config: { access: read },
      schema: {
        summary: 'Security statistics',
        tags,
        response: { 200: envelope(securityStatsDtoSchema) },
      },
    },
    async (req) => ok(await sec.stats(principalOf(req).actor)),
  )

  r.get(
    '/security/sessions',
    {
      config: { access: read },
      schema: {
        summary: 'List active sessions',
        querystring: listSessionsSchema,
        tags,
        response: {
          200: envelope(
            z.object({ sessions: z.array(sessionDtoSchema), pagination: paginationSchema }),
          ),
        },
      },
    },
    async (req) => {
      const p = await sec.sessions(principalOf(req).actor, req.query)
      return ok({ sessions: p.items, pagination: pagination(p.page, p.limit, p.total) })
    },
  )

  r.post(
    '/security/sessions/:id/revoke',
    {
      config: { access: write },
      schema: {
        summary: 'Revoke a session',
        params: idParams,
        body: reasonSchema.optional(),
        tags,
        response: { 200: envelope(sessionDtoSchema) },
      },
    },
    async (req) =>
      ok(await sec.revokeSession(principalOf(req).actor, req.params.id, req.body?.reason)),
  )

  r.post(
    '/security/licenses/:id/suspend',
    {
      config: { access: write },
      schema: {
        summary: 'Suspend a license',
        params: idParams,
        body: requiredReasonSchema,
        tags,
        response: { 200: envelope(suspendedLicenseSchema) },
      },
    },
    async (req) =>
      ok(await sec.suspendLicense(principalOf(req).actor, req.params.id, req.body.reason)),
  )

  r.post(
    '/security/block-ip',
    {
      config: { access: write },
      schema: { response: entryCreated, summary: 'Block an IP address', body: blockIpSchema, tags },
    },
    async (req, reply) =>
      reply.status(201).send(ok(await sec.blockIp(principalOf(req).actor, req.body))),
  )

  r.post(
    '/security/block-hwid',
    {
      config: { access: write },
      schema: {
        response: entryCreated,
        summary: 'Block a hardware id',
        body: blockHwidSchema,
        tags,
      },
    },
    async (req, reply) =>
      reply.status(201).send(ok(await sec.blockHwid(principalOf(req).actor, req.body))),
  )

  r.get(
    '/security/settings',
    {
      config: { access: read },
      schema: { summary: 'Get the security settings', tags, response: settingsAnswer },
    },
    async (req) => ok(await sec.settings(principalOf(req).actor)),
  )

  r.put(
    '/security/settings',
    {
      config: { access: write },
      schema: {
        summary: 'Change the security settings',
        body: updateSecuritySettingsSchema,
        tags,
        response: settingsAnswer,
      },
    },
    async (req) => ok(await sec.updateSettings(principalOf(req).actor, req.body)),
  )
}
