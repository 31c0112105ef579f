import { GRACE_WARNING } from '@shared/policy'
import { header, typed, type RouteFamily } from './context'
import { answers, hasPaidSchema, injectableStreamSchema, query, wantsInjectables } from './schemas'
import { injectable, ok } from './format'
import { z } from 'zod'
import type { FastifyRequest } from 'fastify'

const tags = ['devpayr runtime']

const runtimeHeaders = z.looseObject({
  'x-devpayr-domain': z.string().max(1000).optional(),
  'x-license-key': z.string().max(200).optional(),
})

/**
 * The runtime routes, called by distributed software with its license key
 * (`X-LICENSE-KEY`) and where it runs (`X-Devpayr-Domain`): the license is checked by the
 * engine, then the project's domain rules, then the payment state (services/devpayr).
 */
export const runtimeRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const check = (req: FastifyRequest, withInjectables: boolean) =>
    services.devpayr.runtime.check({
      licenseKey: header(req, 'x-license-key'),
      identifier: header(req, 'x-devpayr-domain'),
      ip: req.origin.clientIp,
      userAgent: header(req, 'user-agent') ?? null,
      withInjectables,
    })

  /** Grace after expiry, in the answer's data (clients that know it can warn; others ignore it). */
  const graceFields = (until: string | null) =>
    until ? { grace_until: until, warning: GRACE_WARNING } : {}

  r.post(
    '/project/has-paid',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Check the license on this runtime and whether the project is paid',
        description:
          'Headers X-LICENSE-KEY and X-Devpayr-Domain. The license state decides first: a revoked, suspended or expired license is refused even when the project is paid. With include=injectables, the injectables this runtime may receive.',
        tags,
        querystring: query,
        headers: runtimeHeaders,
        body: z.object({}).nullish(),
        response: answers(200, hasPaidSchema),
      },
    },
    async (req) => {
      const withInjectables = wantsInjectables(req.query)
      const a = await check(req, withInjectables)
      return ok(a.paid ? 'Project has been paid for' : 'Project has not been paid for', {
        has_paid: a.paid,
        project_id: a.license.product_id,
        environment: a.environment,
        ...(a.injectables && { injectables: a.injectables.map(injectable) }),
        ...graceFields(a.graceUntil),
      })
    },
  )

  r.get(
    '/injectable/stream',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The injectables this licensed runtime receives',
        description:
          'Headers X-LICENSE-KEY and X-Devpayr-Domain, checked as for has-paid. Injectables marked only_if_paid come only while the project is paid.',
        tags,
        querystring: query,
        headers: runtimeHeaders,
        response: answers(200, injectableStreamSchema),
      },
    },
    async (req) => {
      const a = await check(req, true)
      return ok('Injectables retrieved', {
        project_id: a.license.product_id,
        has_paid: a.paid,
        injectables: (a.injectables ?? []).map(injectable),
        ...graceFields(a.graceUntil),
      })
    },
  )
}
