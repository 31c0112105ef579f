import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../services'
import { sellRealmErrorHandler, sendError } from './errors'
import { registerLicenseApi } from './v0'
import { registerStoreApi } from './v1'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** The methods each SellRealm path answers; any other gets 405 with an `Allow` header. */
const ALLOWED: Record<string, readonly string[]> = {
  '/api/v0/': ['POST'],
  '/api/v0': ['POST'],
  '/api/v1/products': ['GET', 'POST'],
  '/api/v1/keys': ['GET'],
  '/api/v1/orders': ['GET', 'POST'],
  '/api/v1/orders/:id': ['GET', 'PATCH'],
  '/api/v1/orders/:id/refund': ['POST'],
  '/api/v1/customers': ['GET'],
  '/api/v1/customers/:id': ['GET'],
  '/api/v1/analytics': ['GET'],
}

/**
 * SellRealm compatibility: License API v0 at POST /api/v0/ and Store API v1 at /api/v1/*,
 * answering in SellRealm's `{ "status": "error", "message" }` shape with its status codes
 * (400 / 403 / 405 / 429). Each surface is its own encapsulated scope (own error handler,
 * own auth hook, own rate limit).
 */
export async function registerSellRealm(
  app: FastifyInstance,
  opts: { services: Services },
): Promise<void> {
  await app.register(async (v0) => {
    v0.setErrorHandler(sellRealmErrorHandler('license'))
    await registerLicenseApi(v0, opts)
  })
  await app.register(async (v1) => {
    v1.setErrorHandler(sellRealmErrorHandler('store'))
    await registerStoreApi(v1, opts)
  })
  // Wrong method: 405, before any authentication (the reference's "Incorrect HTTP method");
  // an unknown path under either surface: 404 in SellRealm's shape, not LicenseCM's.
  await app.register(async (m) => {
    for (const url of ['/api/v0/*', '/api/v1/*']) {
      m.route({
        method: [...METHODS],
        url,
        schema: { hide: true },
        handler: async (_req, reply) => sendError(reply, 404, 'Not found'),
      })
    }
    for (const [url, allowed] of Object.entries(ALLOWED)) {
      const others = METHODS.filter((x) => !allowed.includes(x))
      if (others.length === 0) continue
      m.route({
        method: [...others],
        url,
        schema: { hide: true },
        handler: async (_req, reply) => {
          void reply.header('allow', allowed.join(', '))
          return sendError(reply, 405, 'Method Not Allowed')
        },
      })
    }
  })
}
