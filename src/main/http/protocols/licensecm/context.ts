import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { DomainError } from '@shared/errors'
import type { Services } from '../../../services'
import type { AuthGuards, Principal } from '../../middleware/auth'

/** What every LicenseCM route family is registered with. */
export interface RouteDeps {
  services: Services
  auth: AuthGuards
  /** The setup token for the first account (none: only the desktop console may create it). */
  setupToken?: string
}

/** A route family: a Fastify plugin typed for zod schemas, registered under /api. */
export type RouteFamily = (app: FastifyInstance, deps: RouteDeps) => Promise<void>

/** The app with zod typing, for route files. */
export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>()
}

/** The principal set by an auth hook on this route (throws if the route forgot the hook). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new DomainError('UNAUTHORIZED', 'Authentication required')
  return req.principal
}

/**
 * API keys bound to one product may only touch that product: the product id a request may
 * use, or a refusal that reads exactly like "no such product".
 */
export function assertProductAllowed(p: Principal, productId: string): void {
  if (p.productId && p.productId !== productId) {
    throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
  }
}
