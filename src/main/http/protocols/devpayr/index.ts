import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import { floodLimitStore } from '../../middleware/shared-rate-limit'
import { DomainError } from '@shared/errors'
import type { Services } from '../../../services'
import { registerKeyAccess } from '../../middleware/api-key'
import type { Authenticator } from '../../middleware/auth'
import { managementDoor } from '../../middleware/management-door'
import { refuseDeepJson } from '../../middleware/json-depth'
import { RATE_LIMIT_HEADERS } from '../../middleware/rate-limit-headers'
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

/** A form busboy could not read (no boundary, cut short): the client's mistake, a 400. */
class MalformedForm extends DomainError {
  readonly statusCode = 400
  constructor() {
    super('VALIDATION_ERROR', 'body: not a readable multipart/form-data body')
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * A multipart form read into the same fields a JSON body has, so one body schema validates
 * both: a file field as its text when it is UTF-8, otherwise as Base64 with
 * `content_encoding: base64`. Then the global deep/NUL rule, which ran before the form was
 * read. The plugin's own limits (1 MiB file, part counts) answer 413 as they are.
 */
async function readForm(req: FastifyRequest): Promise<void> {
  if (!req.isMultipart()) return
  const body: Record<string, unknown> = {}
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        body[part.fieldname] = part.value
        continue
      }
      const bytes = await part.toBuffer()
      try {
        body[part.fieldname] = utf8.decode(bytes)
      } catch {
        body[part.fieldname] = bytes.toString('base64')
        if (part.fieldname === 'content') body.content_encoding = 'base64'
      }
    }
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode
    if (status && status >= 400 && status < 500) throw e
    throw new MalformedForm()
  }
  refuseDeepJson(body)
  req.body = body
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
      // The management API's flood limiter, per client address, from the same setting
      // (api_rate_limit_per_minute, read per request), counted as LicenseCM's (in memory with
      // one process, shared by leases with several).
      await scope.register(rateLimit, {
        ...RATE_LIMIT_HEADERS,
        global: true,
        max: async () => (await services.settings.get()).api_rate_limit_per_minute,
        timeWindow: 60_000,
        keyGenerator: (req) => req.origin.clientIp,
        ...floodLimitStore(services.ctx, 'devpayr'),
        errorResponseBuilder: (_req, c) =>
          new DomainError('RATE_LIMITED', `Rate limit exceeded: retry in ${c.after}`),
      })
      await scope.register(multipart, {
        limits: { fileSize: MAX_UPLOAD, files: 1, fields: 30, parts: 31 },
      })
      scope.addHook('onRequest', backendDoor(services))
      scope.addHook('preValidation', readForm)
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
