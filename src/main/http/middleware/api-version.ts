import type { FastifyInstance } from 'fastify'
import { VERSION } from '../../version'

/**
 * The management/client API's contract version. Bumped only on a breaking change to a
 * request or response shape (additions do not count); clients can pin against it.
 */
export const API_VERSION = '1'

/**
 * Adds `API-Version` (the contract) and `X-Keywarden-Version` (the server build) to every
 * response, errors and 404s included: set in onRequest, before anything can fail, on the
 * reply object that every answer (handler, error handler, not-found handler) goes out on.
 */
export function registerApiVersion(app: FastifyInstance): void {
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('API-Version', API_VERSION)
    reply.header('X-Keywarden-Version', VERSION)
  })
}
