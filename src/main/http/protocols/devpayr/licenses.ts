import { z } from 'zod'
import { needsScope } from '../../middleware/api-key'
import { projectOf, typed, type RouteFamily } from './context'
import { license, ok } from './format'
import {
  answers,
  deleted,
  licenseBody,
  licenseParams,
  licenseSchema,
  projectChild,
  query,
} from './schemas'

const tags = ['devpayr licenses']
const listQuery = query.extend({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(100),
})

/**
 * Licenses are Keywarden licenses: `max_domains` is the machine limit, the key is `uuid`;
 * revoke and reactivate are the lifecycle's suspend and resume.
 */
export const licenseRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('licenses:read', { productAware: true })
  const write = needsScope('licenses:write', { productAware: true })
  const backend = services.devpayr.backend

  r.get(
    '/project/:project/licenses',
    {
      config: { access: read },
      schema: {
        summary: "A project's licenses (newest first; page, per_page up to 500)",
        tags,
        params: projectChild,
        querystring: listQuery,
        response: answers(200, z.array(licenseSchema)),
      },
    },
    async (req) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      const page = await services.licenses.list(actor, {
        product_id: project.id,
        sort: 'created_at',
        order: 'desc',
        page: req.query.page,
        limit: req.query.per_page,
      })
      return ok('Licenses retrieved', page.items.map(license))
    },
  )

  r.post(
    '/project/:project/licenses',
    {
      config: { access: write },
      schema: {
        summary: 'Issue a license (title, max_domains, expires_at, environment)',
        tags,
        params: projectChild,
        querystring: query,
        body: licenseBody.nullish(),
        response: answers(201, licenseSchema),
      },
    },
    async (req, reply) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      const b = req.body ?? {}
      const expires = b.expires_at !== undefined ? b.expires_at : b.expiry_date
      const l = await backend.createLicense(actor, project.id, {
        title: b.title,
        max_domains: b.max_domains,
        expires_at: expires,
        environment: b.environment,
      })
      return reply.status(201).send(ok('License created', license(l)))
    },
  )

  r.get(
    '/project/:project/licenses/:license',
    {
      config: { access: read },
      schema: {
        summary: 'Get a license (by id or key)',
        tags,
        params: licenseParams,
        querystring: query,
        response: answers(200, licenseSchema),
      },
    },
    async (req) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      return ok(
        'License retrieved',
        license(await backend.license(actor, project.id, req.params.license)),
      )
    },
  )

  r.delete(
    '/project/:project/licenses/:license',
    {
      config: { access: write },
      schema: {
        summary: 'Delete a license',
        tags,
        params: licenseParams,
        querystring: query,
        response: answers(200, deleted),
      },
    },
    async (req) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      const l = await backend.license(actor, project.id, req.params.license)
      await services.licenses.remove(actor, l.id)
      return ok('License deleted', { id: l.id, deleted: true as const })
    },
  )

  for (const action of ['revoke', 'reactivate'] as const) {
    r.post(
      `/project/:project/licenses/:license/${action}`,
      {
        config: { access: write },
        schema: {
          summary:
            action === 'revoke'
              ? 'Revoke a license: every runtime is refused, whatever the payment state'
              : 'Reactivate a revoked license',
          tags,
          params: licenseParams,
          querystring: query,
          body: z.object({}).nullish(),
          response: answers(200, licenseSchema),
        },
      },
      async (req) => {
        const { actor, project } = await projectOf(services, req, req.params.project)
        const l = await backend[action](actor, project.id, req.params.license)
        return ok(action === 'revoke' ? 'License revoked' : 'License reactivated', license(l))
      },
    )
  }
}
