import { z } from 'zod'
import { DomainError } from '@shared/errors'
import { injectableFieldsSchema, injectablePatchFieldsSchema } from '@shared/domains'
import { needsScope } from '../../middleware/api-key'
import { projectOf, typed, type RouteFamily } from './context'
import { injectable, ok } from './format'
import {
  answers,
  deleted,
  injectableBody,
  injectableParams,
  injectableSchema,
  projectChild,
  query,
  readFlag,
} from './schemas'

const tags = ['devpayr injectables']
type Body = z.infer<typeof injectableBody>

const required = (field: string) =>
  new DomainError('VALIDATION_ERROR', `${field}: The ${field} field is required.`)

/** The content's bytes: text as UTF-8, or Base64 when `content_encoding` says so. */
function contentOf(b: Body): string | Buffer | undefined {
  if (b.content === undefined) return undefined
  return b.content_encoding === 'base64' ? Buffer.from(b.content, 'base64') : b.content
}

/** DevPayr's field names (and their aliases) to the injectables service's input. */
function toPatch(b: Body) {
  return {
    title: b.title ?? b.name,
    slug: b.slug,
    type: b.type,
    mode: b.mode,
    target_path: b.target_path !== undefined ? b.target_path : b.path,
    content: contentOf(b),
    secret: b.secret,
    only_if_paid: readFlag(b.only_if_paid),
    is_active: readFlag(b.is_active),
  }
}

const noUndefined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>

/**
 * A project's injectables (services/injectables), as JSON or as a multipart form (a `content`
 * file field is read as its bytes). Answers carry the encrypted content only.
 */
export const injectableRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  const read = needsScope('products:read', { productAware: true })
  const write = needsScope('products:write', { productAware: true })
  const inj = services.injectables
  const consumes = ['application/json', 'multipart/form-data']

  r.get(
    '/project/:project/injectables',
    {
      config: { access: read },
      schema: {
        summary: "A project's injectables (encrypted content, never the plaintext)",
        tags,
        params: projectChild,
        querystring: query,
        response: answers(200, z.array(injectableSchema)),
      },
    },
    async (req) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      return ok('Injectables retrieved', (await inj.list(actor, project.id)).map(injectable))
    },
  )

  r.post(
    '/project/:project/injectables',
    {
      config: { access: write },
      schema: {
        summary: 'Add an injectable: its content is encrypted with the secret and signed',
        tags,
        consumes,
        params: projectChild,
        querystring: query,
        body: injectableBody,
        response: answers(201, injectableSchema),
      },
    },
    async (req, reply) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      const p = toPatch(req.body)
      if (!p.title) throw required('title')
      if (p.content === undefined) throw required('content')
      if (!p.secret) throw required('secret')
      // DevPayr's names mapped, the fields are validated by the shared schema (the edge's job).
      const { content, ...fields } = p
      const created = await inj.create(actor, project.id, {
        ...injectableFieldsSchema.parse(noUndefined(fields)),
        content,
      })
      return reply.status(201).send(ok('Injectable created', injectable(created)))
    },
  )

  r.get(
    '/project/:project/injectables/:injectable',
    {
      config: { access: read },
      schema: {
        summary: 'Get an injectable (by id or slug)',
        tags,
        params: injectableParams,
        querystring: query,
        response: answers(200, injectableSchema),
      },
    },
    async (req) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      const i = await inj.get(actor, project.id, req.params.injectable)
      return ok('Injectable retrieved', injectable(i))
    },
  )

  for (const method of ['put', 'patch'] as const) {
    r[method](
      '/project/:project/injectables/:injectable',
      {
        config: { access: write },
        schema: {
          summary: 'Update an injectable (new content or secret re-encrypts it)',
          tags,
          consumes,
          params: injectableParams,
          querystring: query,
          body: injectableBody,
          response: answers(200, injectableSchema),
        },
      },
      async (req) => {
        const { actor, project } = await projectOf(services, req, req.params.project)
        const current = await inj.get(actor, project.id, req.params.injectable)
        const { content, ...fields } = toPatch(req.body)
        const i = await inj.update(actor, project.id, current.id, {
          ...injectablePatchFieldsSchema.parse(noUndefined(fields)),
          ...(content !== undefined && { content }),
        })
        return ok('Injectable updated', injectable(i))
      },
    )
  }

  r.delete(
    '/project/:project/injectables/:injectable',
    {
      config: { access: write },
      schema: {
        summary: 'Delete an injectable',
        tags,
        params: injectableParams,
        querystring: query,
        response: answers(200, deleted),
      },
    },
    async (req) => {
      const { actor, project } = await projectOf(services, req, req.params.project)
      const current = await inj.get(actor, project.id, req.params.injectable)
      await inj.remove(actor, project.id, current.id)
      return ok('Injectable deleted', { id: current.id, deleted: true as const })
    },
  )
}
