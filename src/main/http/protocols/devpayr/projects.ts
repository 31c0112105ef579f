import { z } from 'zod'
import { DomainError } from '@shared/errors'
import { needsScope } from '../../middleware/api-key'
import { principalOf, projectOf, typed, type RouteFamily } from './context'
import { ok, project } from './format'
import {
  answers,
  deleted,
  projectBody,
  projectParams,
  projectPatch,
  projectSchema,
  query,
  readFlag,
} from './schemas'

const tags = ['devpayr projects']

/** Projects are Keywarden products: POST project, GET projects, GET|PUT|PATCH|DELETE project/{id}. */
export const projectRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('products:read', { productAware: true })
  const write = needsScope('products:write', { productAware: true })
  const backend = services.devpayr.backend

  r.post(
    '/project',
    {
      config: { access: write },
      schema: {
        summary: 'Create a project (a product); it starts unpaid unless has_paid is sent',
        tags,
        querystring: query,
        body: projectBody,
        response: answers(201, projectSchema),
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      if (p.productId) throw new DomainError('FORBIDDEN', 'This API key is bound to one project')
      const b = req.body
      const created = await backend.createProject(p.actor, {
        name: b.name,
        description: b.description ?? undefined,
        is_active: readFlag(b.is_active),
        has_paid: readFlag(b.has_paid),
      })
      return reply.status(201).send(ok('Project created', project(created)))
    },
  )

  r.get(
    '/projects',
    {
      config: { access: read },
      schema: {
        summary: 'List projects',
        tags,
        querystring: query,
        response: answers(200, z.array(projectSchema)),
      },
    },
    async (req) => {
      const p = principalOf(req)
      const all = await services.products.list(p.actor)
      const mine = p.productId ? all.filter((x) => x.id === p.productId) : all
      return ok('Projects retrieved', mine.map(project))
    },
  )

  r.get(
    '/project/:id',
    {
      config: { access: read },
      schema: {
        summary: 'Get a project',
        tags,
        params: projectParams,
        querystring: query,
        response: answers(200, projectSchema),
      },
    },
    async (req) => {
      const { project: p } = await projectOf(services, req, req.params.id)
      return ok('Project retrieved', project(p))
    },
  )

  for (const method of ['put', 'patch'] as const) {
    r[method](
      '/project/:id',
      {
        config: { access: write },
        schema: {
          summary: `Update a project (${method === 'put' ? 'PUT' : 'PATCH'}: the fields sent change; has_paid sets the payment state)`,
          tags,
          params: projectParams,
          querystring: query,
          body: projectPatch,
          response: answers(200, projectSchema),
        },
      },
      async (req) => {
        const { actor, project: p } = await projectOf(services, req, req.params.id)
        const b = req.body
        const updated = await backend.updateProject(actor, p.id, {
          name: b.name,
          description: b.description === null ? '' : b.description,
          is_active: readFlag(b.is_active),
          has_paid: readFlag(b.has_paid),
        })
        return ok('Project updated', project(updated))
      },
    )
  }

  r.delete(
    '/project/:id',
    {
      config: { access: write },
      schema: {
        summary: 'Delete a project with its licenses, domains and injectables',
        tags,
        params: projectParams,
        querystring: query,
        response: answers(200, deleted),
      },
    },
    async (req) => {
      const { actor, project: p } = await projectOf(services, req, req.params.id)
      await services.products.remove(actor, p.id)
      return ok('Project deleted', { id: p.id, deleted: true as const })
    },
  )

  r.get(
    '/project/:id/has-paid',
    {
      config: { access: read },
      schema: {
        summary: "The project's payment state",
        tags,
        params: projectParams,
        querystring: query,
        response: answers(200, z.object({ project_id: z.string(), has_paid: z.boolean() })),
      },
    },
    async (req) => {
      const { project: p } = await projectOf(services, req, req.params.id)
      return ok(p.has_paid ? 'Project has been paid for' : 'Project has not been paid for', {
        project_id: p.id,
        has_paid: p.has_paid,
      })
    },
  )
}
