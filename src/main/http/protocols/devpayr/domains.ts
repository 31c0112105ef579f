import { z } from 'zod'
import { needsScope } from '../../middleware/api-key'
import { projectOf, typed, type RouteFamily } from './context'
import { domain, ok } from './format'
import {
  answers,
  deleted,
  domainBody,
  domainParams,
  domainPatch,
  domainSchema,
  projectChild,
  query,
  readFlag,
} from './schemas'

const tags = ['devpayr domains']

const toInput = (b: z.infer<typeof domainPatch>) => ({
  domain: b.domain,
  environment: b.environment,
  is_active: readFlag(b.is_active),
  is_primary: readFlag(b.is_primary),
})

/**
 * A project's domain rules (services/domains): exact identifiers or `*.example.com`, each in
 * an environment. The SDK calls `project/{p}/domain/{d}` (singular); the plural is served too.
 */
export const domainRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('products:read', { productAware: true })
  const write = needsScope('products:write', { productAware: true })
  const domains = services.domains

  r.get(
    '/project/:project/domains',
    {
      config: { access: read },
      schema: {
        summary: "A project's domain rules",
        tags,
        params: projectChild,
        querystring: query,
        response: answers(200, z.array(domainSchema)),
      },
    },
    async (req) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      return ok('Domains retrieved', (await domains.list(actor, project.id)).map(domain))
    },
  )

  r.post(
    '/project/:project/domains',
    {
      config: { access: write },
      schema: {
        summary: 'Add a domain rule (exact, or *.example.com for every subdomain)',
        tags,
        params: projectChild,
        querystring: query,
        body: domainBody,
        response: answers(201, domainSchema),
      },
    },
    async (req, reply) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      const input = { ...toInput(req.body), domain: req.body.domain }
      const d = await domains.create(actor, project.id, input)
      return reply.status(201).send(ok('Domain created', domain(d)))
    },
  )

  for (const noun of ['domain', 'domains'] as const) {
    r.get(
      `/project/:project/${noun}/:domain`,
      {
        config: { access: read },
        schema: {
          summary: 'Get a domain rule',
          tags,
          params: domainParams,
          querystring: query,
          response: answers(200, domainSchema),
        },
      },
      async (req) => {
        const { actor, project } = await projectOf(services, req, req.params.project)
        return ok(
          'Domain retrieved',
          domain(await domains.get(actor, project.id, req.params.domain)),
        )
      },
    )
    for (const method of ['put', 'patch'] as const) {
      r[method](
        `/project/:project/${noun}/:domain`,
        {
          config: { access: write },
          schema: {
            summary: 'Update a domain rule (the fields sent change)',
            tags,
            params: domainParams,
            querystring: query,
            body: domainPatch,
            response: answers(200, domainSchema),
          },
        },
        async (req) => {
          const { actor, project } = await projectOf(services, req, req.params.project)
          const d = await domains.update(actor, project.id, req.params.domain, toInput(req.body))
          return ok('Domain updated', domain(d))
        },
      )
    }
    r.delete(
      `/project/:project/${noun}/:domain`,
      {
        config: { access: write },
        schema: {
          summary: 'Remove a domain rule',
          tags,
          params: domainParams,
          querystring: query,
          response: answers(200, deleted),
        },
      },
      async (req) => {
        const { actor, project } = await projectOf(services, req, req.params.project)
        await domains.remove(actor, project.id, req.params.domain)
        return ok('Domain deleted', { id: req.params.domain, deleted: true as const })
      },
    )
  }
}
