import { z } from 'zod'
import type { EventDto } from '@shared/dto'
import { DomainError } from '@shared/errors'
import {
  bulkCreateLicensesSchema,
  createLicenseSchema,
  lifecycleReasonSchema,
  listLicensesSchema,
  updateLicenseSchema,
} from '@shared/schemas'
import { needsScope } from '../../middleware/api-key'
import { assertProductAllowed, principalOf, typed, type RouteFamily } from './context'
import { idParams } from './products'
import { envelope, ok, pagination } from './reply'
import { licenseDtoSchema, paginationSchema } from '@shared/dto-schemas'
import { logEntrySchema } from '@shared/dto-schemas-mgmt'

/** The engine's event types, in LicenseCM's log wording ("activation", ...). */
const ACTIONS: Record<string, string> = {
  license_activation: 'activation',
  license_validation: 'validation',
  license_deactivation: 'deactivation',
  session_heartbeat: 'heartbeat',
  challenge_verification: 'challenge',
}

/** One event as a LicenseCM log entry. */
export function toLogEntry(e: EventDto): z.output<typeof logEntrySchema> {
  return {
    id: String(e.id),
    action: ACTIONS[e.type] ?? e.type.replace(/^license[._]/, ''),
    type: e.type,
    success: !e.blocked,
    ip_address: e.ip,
    hwid: e.hwid,
    user_agent: e.user_agent,
    details: e.details,
    created_at: e.created_at,
  }
}

const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

/** The license routes of LicenseCM's management API. */
export const licenseRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('licenses:read', { productAware: true })
  const write = needsScope('licenses:write', { productAware: true })
  const tags = ['licenses']

  /** The license, if the principal may touch it (a product-bound key: only that product's). */
  async function load(req: Parameters<typeof principalOf>[0], id: string) {
    const p = principalOf(req)
    const l = await services.licenses.get(p.actor, id)
    // Another product's license reads like one that does not exist.
    if (p.productId && l.product_id !== p.productId) {
      throw new DomainError('LICENSE_NOT_FOUND', 'License not found')
    }
    return { p, l }
  }

  r.get(
    '/licenses',
    {
      config: { access: read },
      schema: {
        summary: 'List licenses (filters, pagination)',
        querystring: listLicensesSchema,
        response: {
          200: envelope(
            z.object({ licenses: z.array(licenseDtoSchema), pagination: paginationSchema }),
          ),
        },
        tags,
      },
    },
    async (req) => {
      const p = principalOf(req)
      const q = { ...req.query }
      if (p.productId) {
        if (q.product_id) assertProductAllowed(p, q.product_id)
        q.product_id = p.productId
      }
      const page = await services.licenses.list(p.actor, q)
      return ok({ licenses: page.items, pagination: pagination(page.page, page.limit, page.total) })
    },
  )

  r.post(
    '/licenses',
    {
      config: { access: write, idempotent: true },
      schema: {
        summary: 'Create a license',
        body: createLicenseSchema,
        response: { 201: envelope(licenseDtoSchema) },
        tags,
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      assertProductAllowed(p, req.body.product_id)
      return reply.status(201).send(ok(await services.licenses.create(p.actor, req.body)))
    },
  )

  r.post(
    '/licenses/bulk',
    {
      config: { access: write, idempotent: true },
      schema: {
        summary: 'Create 1-100 licenses in one transaction',
        body: bulkCreateLicensesSchema,
        response: {
          201: envelope(
            z.object({ created: z.number().int(), licenses: z.array(licenseDtoSchema) }),
          ),
        },
        tags,
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      assertProductAllowed(p, req.body.product_id)
      return reply.status(201).send(ok(await services.licenses.bulkCreate(p.actor, req.body)))
    },
  )

  r.get(
    '/licenses/:id',
    {
      config: { access: read },
      schema: {
        summary: 'Get a license',
        params: idParams,
        response: { 200: envelope(licenseDtoSchema) },
        tags,
      },
    },
    async (req) => ok((await load(req, req.params.id)).l),
  )

  r.put(
    '/licenses/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Update a license',
        params: idParams,
        body: updateLicenseSchema,
        response: { 200: envelope(licenseDtoSchema) },
        tags,
      },
    },
    async (req) => {
      const { p } = await load(req, req.params.id)
      return ok(await services.licenses.update(p.actor, req.params.id, req.body))
    },
  )

  r.delete(
    '/licenses/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Delete a license',
        params: idParams,
        response: { 200: envelope(z.object({ id: z.string(), deleted: z.literal(true) })) },
        tags,
      },
    },
    async (req) => {
      const { p } = await load(req, req.params.id)
      await services.licenses.remove(p.actor, req.params.id)
      return ok({ id: req.params.id, deleted: true })
    },
  )

  r.post(
    '/licenses/:id/reset-hwid',
    {
      config: { access: write },
      schema: {
        summary: 'Reset the HWID (frees every machine binding)',
        params: idParams,
        response: { 200: envelope(licenseDtoSchema) },
        tags,
      },
    },
    async (req) => {
      const { p } = await load(req, req.params.id)
      return ok(await services.licenses.resetHwid(p.actor, req.params.id))
    },
  )

  // Keywarden additions: the lifecycle's ban, unban and revoke (services/licenses/lifecycle.ts);
  // suspend, resume and extend are PUT /licenses/:id edits of `status` and `expires_at`.
  // The same optional reason as the console's suspend and ban (shared/schemas).
  const reasonBody = z.object({ reason: lifecycleReasonSchema }).optional()
  const lifecycleOrigin = (req: Parameters<typeof principalOf>[0]) => ({
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
  })

  r.post(
    '/licenses/:id/ban',
    {
      config: { access: write },
      schema: {
        summary: 'Ban the license for good (ends its sessions)',
        params: idParams,
        body: reasonBody,
        response: {
          200: envelope(
            z.object({
              id: z.string(),
              banned: z.literal(true),
              sessions_revoked: z.number().int(),
            }),
          ),
        },
        tags,
      },
    },
    async (req) => {
      const { p } = await load(req, req.params.id)
      const t = { kind: 'ban', reason: req.body?.reason } as const
      const r = await services.licenses.transition(p.actor, req.params.id, t, lifecycleOrigin(req))
      return ok({ id: req.params.id, banned: true, sessions_revoked: r.sessions_revoked })
    },
  )

  r.post(
    '/licenses/:id/unban',
    {
      config: { access: write },
      schema: {
        summary: 'Lift a ban (ended sessions stay ended)',
        params: idParams,
        response: { 200: envelope(licenseDtoSchema) },
        tags,
      },
    },
    async (req) => {
      const { p } = await load(req, req.params.id)
      await services.licenses.transition(
        p.actor,
        req.params.id,
        { kind: 'unban' },
        lifecycleOrigin(req),
      )
      return ok((await load(req, req.params.id)).l)
    },
  )

  r.post(
    '/licenses/:id/revoke-sessions',
    {
      config: { access: write },
      schema: {
        summary: 'End every session of the license (machines stay bound)',
        params: idParams,
        body: z.object({ reason: z.string().trim().max(500).optional() }).optional(),
        response: {
          200: envelope(z.object({ id: z.string(), sessions_revoked: z.number().int() })),
        },
        tags,
      },
    },
    async (req) => {
      const { p } = await load(req, req.params.id)
      const t = { kind: 'revoke', reason: req.body?.reason } as const
      const r = await services.licenses.transition(p.actor, req.params.id, t, lifecycleOrigin(req))
      return ok({ id: req.params.id, sessions_revoked: r.sessions_revoked })
    },
  )

  // Keywarden addition (#16): culling on demand for one license, the same rule the periodic
  // task runs (services/seats): dead seats freed, closed resurrection windows ended.
  r.post(
    '/licenses/:id/seats/cull',
    {
      config: { access: write },
      schema: {
        summary: 'Cull the seats of machines whose heartbeats stopped, now',
        params: idParams,
        response: {
          200: z.object({
            success: z.literal(true),
            data: z.object({
              id: z.string(),
              freed: z.number().int(),
              ended: z.number().int(),
              deactivated: z.number().int(),
              seats: z
                .object({
                  mode: z.literal('floating'),
                  in_use: z.number().int(),
                  seats: z.number().int(),
                  allowance: z.number().int(),
                })
                .nullable(),
            }),
          }),
        },
        tags,
      },
    },
    async (req) => {
      const { p } = await load(req, req.params.id)
      const r = await services.seats.cullLicense(p.actor, req.params.id)
      const { l } = await load(req, req.params.id)
      return ok({ id: req.params.id, ...r, seats: l.seats })
    },
  )

  r.get(
    '/licenses/:id/logs',
    {
      config: { access: read },
      schema: {
        summary: "The license's activity log",
        params: idParams,
        querystring: pageQuery,
        response: {
          200: envelope(z.object({ logs: z.array(logEntrySchema), pagination: paginationSchema })),
        },
        tags,
      },
    },
    async (req) => {
      const { p } = await load(req, req.params.id)
      const page = await services.events.listForLicense(
        p.actor,
        req.params.id,
        req.query.page,
        req.query.limit,
      )
      return ok({
        logs: page.items.map(toLogEntry),
        pagination: pagination(page.page, page.limit, page.total),
      })
    },
  )
}
