import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import { DomainError } from '@shared/errors'
import type { Services } from '../../../services'
import { registerKeyAccess } from '../../middleware/api-key'
import type { Authenticator } from '../../middleware/auth'
import { managementDoor } from '../../middleware/management-door'
import { devpayrErrorHandler, errorBody, isRuntimePath, mapDevpayrError, sendError } from './errors'
import type { RouteDeps } from './context'
import { runtimeRoutes } from './runtime'
import { projectRoutes } from './projects'
import { licenseRoutes } from './licenses'
import { domainRoutes } from './domains'
import { injectableRoutes } from './injectables'

export const DEVPAYR_PREFIX = '/devpayr/api/v1'
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const MAX_UPLOAD = 1024 * 1024

/** Backend routes need `X-API-KEY`: without one the refusal says so, in DevPayr's words. */
const apiKeyRequired: Authenticator = async (req) => {
  if (req.headers['x-api-key'] === undefined) {
    throw new DomainError('UNAUTHORIZED', 'Missing API key', { reason: 'api_key_missing' })
  }
  return null
}

const isMultipart = (req: FastifyRequest) =>
  (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')

/**
 * The backend routes are management: the management door (right Host and Origin, this
 * machine only unless an admin opened the management API to the network). Multipart bodies
 * are allowed beside JSON (DevPayr's injectable uploads): an X-API-KEY header is one no
 * cross-site form can send. The runtime routes, like LicenseCM's client API, stay reachable
 * from the LAN.
 */
function backendDoor(services: Services) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isRuntimePath(req.url)) return
    const refusal = await managementDoor(req, services)
    if (!refusal || (refusal.status === 415 && isMultipart(req))) return
    // The door's 415 names JSON only; this surface takes forms too (framework's wording).
    const m =
      refusal.status === 415
        ? mapDevpayrError({ statusCode: 415 })
        : mapDevpayrError(new DomainError(refusal.code, refusal.message))
    await reply.status(refusal.status).send(errorBody(m))
  }
}

/**
 * A multipart file field arrives as bytes: text files as UTF-8 text, anything else as Base64
 * with `content_encoding: base64`, so one body schema validates JSON and forms alike.
 */
async function filesAsFields(req: FastifyRequest): Promise<void> {
  if (!isMultipart(req) || !req.body || typeof req.body !== 'object') return
  const body = req.body as Record<string, unknown>
  for (const [k, v] of Object.entries(body)) {
    if (!Buffer.isBuffer(v)) continue
    try {
      body[k] = new TextDecoder('utf-8', { fatal: true }).decode(v)
    } catch {
      body[k] = v.toString('base64')
      if (k === 'content') body.content_encoding = 'base64'
    }
  }
}

/**
 * DevPayr compatibility at /devpayr/api/v1: the runtime routes (license key + runtime
 * identifier) and the backend routes (X-API-KEY with scopes, the same keys and hook as the
 * management API), answering `{status, message, data, errors}`. One encapsulated scope: its
 * error handler, door and multipart parser apply to its routes only. Unknown paths under the
 * prefix answer 404 in DevPayr's shape (http/errors.ts surfaceOf), a known path with another
 * method 405.
 */
export async function registerDevpayr(
  app: FastifyInstance,
  opts: { services: Services },
): Promise<void> {
  const { services } = opts
  const seen = new Map<string, Set<string>>()
  await app.register(
    async (scope) => {
      scope.setErrorHandler(devpayrErrorHandler)
      await scope.register(multipart, {
        attachFieldsToBody: 'keyValues',
        limits: { fileSize: MAX_UPLOAD, files: 1, fields: 30, parts: 31 },
      })
      scope.addHook('onRequest', backendDoor(services))
      scope.addHook('preValidation', filesAsFields)
      registerKeyAccess(scope, services, { before: [apiKeyRequired] })
      scope.addHook('onRoute', (r) => {
        const methods = seen.get(r.url) ?? new Set<string>()
        for (const m of [r.method].flat()) methods.add(m)
        seen.set(r.url, methods)
      })
      const deps: RouteDeps = { services }
      for (const family of [
        runtimeRoutes,
        projectRoutes,
        licenseRoutes,
        domainRoutes,
        injectableRoutes,
      ]) {
        await family(scope, deps)
      }
    },
    { prefix: DEVPAYR_PREFIX },
  )
  // A known path with another method: 405 with Allow, before any authentication.
  await app.register(async (m) => {
    for (const [url, allowed] of seen) {
      const others = METHODS.filter((x) => !allowed.has(x))
      if (others.length === 0) continue
      m.route({
        method: [...others],
        url,
        schema: { hide: true },
        handler: async (_req, reply) => {
          void reply.header('allow', [...allowed].filter((x) => x !== 'HEAD').join(', '))
          return sendError(reply, { status: 405, message: 'Method not allowed', errors: null })
        },
      })
    }
  })
}
