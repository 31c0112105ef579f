import { z } from 'zod'
import { upsertVariableSchema, type VariableScope } from '@shared/channels/variables'
import type { FastifyRequest } from 'fastify'
import type { Services } from '../../../services'
import { assertProductAllowed, principalOf, typed, type RouteFamily } from './context'
import { deletedSchema, variableDtoSchema, variableWithDataSchema } from '@shared/dto-schemas-hooks'
import { envelope, ok } from './reply'
import { needsScope } from '../../middleware/api-key'

const idParam = z.object({ id: z.string().min(1).max(64) })
const nameParam = idParam.extend({ name: z.string().min(1).max(64) })

/** The scope of a request, after checking a product-bound API key may touch it. */
async function scopeOf(
  services: Services,
  req: FastifyRequest,
  kind: 'product' | 'license',
  id: string,
): Promise<VariableScope> {
  const p = principalOf(req)
  if (kind === 'product') {
    assertProductAllowed(p, id)
    return { product_id: id }
  }
  if (p.productId) assertProductAllowed(p, (await services.licenses.load(p.actor, id)).product_id)
  return { license_id: id }
}

/**
 * License variables over the management API, for a product (reaching all its keys) or for
 * one license (overriding the product's by name):
 *   GET    /api/{products|licenses}/:id/variables          list (file bytes left out)
 *   POST   /api/{products|licenses}/:id/variables          create or replace by name
 *   GET    /api/{products|licenses}/:id/variables/:name    one variable (files with data)
 *   DELETE /api/{products|licenses}/:id/variables/:name    delete (by name or id)
 */
export const variableRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  for (const kind of ['product', 'license'] as const) {
    const base = `/${kind}s/:id/variables` as const
    const tags = ['variables']
    const read = needsScope(`${kind}s:read`, { productAware: true })
    const write = needsScope(`${kind}s:write`, { productAware: true })

    r.get(
      base,
      {
        config: { access: read },
        schema: {
          summary: `List a ${kind}'s variables (file contents left out)`,
          tags,
          params: idParam,
          response: { 200: envelope(z.array(variableDtoSchema)) },
        },
      },
      async (req) =>
        ok(
          await services.variables.list(
            principalOf(req).actor,
            await scopeOf(services, req, kind, req.params.id),
          ),
        ),
    )

    r.post(
      base,
      {
        config: { access: write },
        schema: {
          summary: `Create or replace a ${kind} variable by name`,
          tags,
          params: idParam,
          body: upsertVariableSchema,
          response: { 200: envelope(variableDtoSchema) },
        },
      },
      async (req) => {
        const scope = await scopeOf(services, req, kind, req.params.id)
        return ok(await services.variables.upsert(principalOf(req).actor, scope, req.body))
      },
    )

    r.get(
      `${base}/:name`,
      {
        config: { access: read },
        schema: {
          summary: `Get one ${kind} variable (files with their data)`,
          tags,
          params: nameParam,
          response: { 200: envelope(variableWithDataSchema) },
        },
      },
      async (req) => {
        const scope = await scopeOf(services, req, kind, req.params.id)
        return ok(await services.variables.get(principalOf(req).actor, scope, req.params.name))
      },
    )

    r.delete(
      `${base}/:name`,
      {
        config: { access: write },
        schema: {
          summary: `Delete a ${kind} variable (by name or id)`,
          tags,
          params: nameParam,
          response: { 200: envelope(deletedSchema) },
        },
      },
      async (req) => {
        await services.variables.remove(
          principalOf(req).actor,
          await scopeOf(services, req, kind, req.params.id),
          req.params.name,
        )
        return ok({ deleted: true })
      },
    )
  }
}
