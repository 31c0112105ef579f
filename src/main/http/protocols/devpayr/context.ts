import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { DomainError } from '@shared/errors'
import type { Services } from '../../../services'
import type { Principal } from '../../middleware/auth'

export interface RouteDeps {
  services: Services
}

/** A DevPayr route family: registered inside the adapter's scope, prefix /devpayr/api/v1. */
export type RouteFamily = (app: FastifyInstance, deps: RouteDeps) => Promise<void>

export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>()

/** One header's value (the first, when sent twice), trimmed; undefined when absent or empty. */
export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  const s = (Array.isArray(v) ? v[0] : v)?.trim()
  return s ? s : undefined
}

/** The API key's principal (set by registerKeyAccess's guard before the handler). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) {
    throw new DomainError('UNAUTHORIZED', 'Missing API key', { reason: 'api_key_missing' })
  }
  return req.principal
}

/**
 * The project a backend request names, as its API key may see it: a key bound to one product
 * sees no other (the refusal reads as "no such project").
 */
export async function projectOf(services: Services, req: FastifyRequest, ref: string) {
  const p = principalOf(req)
  const project = await services.devpayr.backend.project(p.actor, ref)
  if (p.productId && p.productId !== project.id) {
    throw new DomainError('PRODUCT_NOT_FOUND', 'Project not found')
  }
  return { actor: p.actor, project }
}
