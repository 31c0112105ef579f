import type { FastifyInstance } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { floodLimitStore } from '../../middleware/shared-rate-limit'
import { DomainError } from '@shared/errors'
import type { Services } from '../../../services'
import { jwtAuthenticator } from '../../middleware/auth'
import { licensecmErrorHandler } from './errors'
import { lenientJsonBodies } from './json-body'
import { protocolErrorHandler, protocolNotFound } from '../../errors'
import type { RouteDeps } from './context'
import { securityRoutes } from './security'
import { webhookRoutes } from './webhooks'
import { authRoutes } from './auth'
import { productRoutes } from './products'
import { licenseRoutes } from './licenses'
import { statsRoutes } from './stats'
import { notificationRoutes } from './notifications'
import { adminRoutes } from './admin'
import { clientRoutes } from './client'
import { clientFileRoutes } from './client/files'
import { licenseFileRoutes } from './license-files'
import { apiKeyRoutes } from './api-keys'
import { hirezDeveloperRoutes } from './hirez-developers'
import { accountRoutes } from './account'
import { variableRoutes } from './variables'
import { storeRoutes } from './store'
import { registerKeyAccess } from '../../middleware/api-key'
import { idempotencyOnRoute } from '../../middleware/idempotency'
import {
  RATE_LIMIT_HEADERS,
  registerRateLimitedNotFound,
} from '../../middleware/rate-limit-headers'
import { openApiRoutes } from '../../middleware/openapi'
import { apiDocsRoutes } from '../../middleware/api-docs'
import { managementOnLoopback } from './door'

export interface LicensecmOptions {
  services: Services
  /**
   * Overrides the per-IP request limit (default: the `api_rate_limit_per_minute` setting,
   * 100/min). `false` turns it off (benchmarks).
   */
  rateLimit?: { max: number; timeWindowMs?: number } | false
  /** The setup token that lets `POST /api/auth/register` create the first account. */
  setupToken?: string
}

/**
 * The LicenseCM-compatible API under /api: the management API (JWT Bearer or API key) and
 * the client API. One encapsulated scope, so its envelope, error handler and rate limit
 * apply to every route family registered here and to nothing else on the server.
 *
 * Adding a route family: write `<family>.ts` exporting a `RouteFamily` (see context.ts),
 * each route declaring its `config.access` (middleware/api-key.ts), and add ONE
 * `await api(<family>Routes)` line below. Paths inside a family are relative to /api
 * (e.g. '/security/blacklist').
 */
export async function registerLicensecm(
  app: FastifyInstance,
  opts: LicensecmOptions,
): Promise<void> {
  const { services } = opts
  app.setErrorHandler(licensecmErrorHandler)
  lenientJsonBodies(app)

  if (opts.rateLimit !== false) {
    const fixed = opts.rateLimit
    await app.register(rateLimit, {
      ...RATE_LIMIT_HEADERS,
      global: true,
      // Read per request, so an admin's change in settings applies at once.
      max: fixed
        ? fixed.max
        : async () => (await services.settings.get()).api_rate_limit_per_minute,
      timeWindow: fixed?.timeWindowMs ?? 60_000,
      // Per client as the request-origin model decides (the forwarded one behind a trusted proxy).
      // One process: the plugin's in-memory store. Several (workers, PostgreSQL nodes): the
      // shared store, by leases, so the limit holds across them at a write per 1/64 of it.
      keyGenerator: (req) => req.origin.clientIp,
      ...floodLimitStore(services.ctx, 'api'),
      errorResponseBuilder: (_req, c) =>
        new DomainError('RATE_LIMITED', `Rate limit exceeded: retry in ${c.after}`),
    })
  }

  app.addHook('onRequest', managementOnLoopback(services))
  // The authenticator chain, tried in order (first to recognise its credential decides):
  // JWT Bearer, then X-API-Key; every route's declared `config.access` enforced (a route
  // without one does not register). Then Idempotency-Key on routes with config.idempotent.
  // Both before the families register their routes.
  const auth = registerKeyAccess(app, services, { before: [jwtAuthenticator(services.accounts)] })
  app.addHook('onRoute', idempotencyOnRoute(services))
  const deps: RouteDeps = { services, auth, setupToken: opts.setupToken }
  const api = (family: (a: FastifyInstance, d: RouteDeps) => Promise<void>) =>
    app.register(async (scope) => family(scope, deps), { prefix: '/api' })

  // Management API
  await api(authRoutes)
  await api(apiKeyRoutes)
  await api(hirezDeveloperRoutes) // /api/hirez/developers (Hi-Rez developer credentials)
  await api(openApiRoutes) // GET /api/openapi.json
  await api(apiDocsRoutes) // GET /api/docs (Swagger UI, served locally)
  await api(accountRoutes) // SellRealm secrets (/api/account/secrets)
  await api(variableRoutes) // /api/{products,licenses}/:id/variables
  await api(storeRoutes) // /api/orders, /api/customers, /api/store/analytics
  await api(productRoutes)
  await api(licenseRoutes)
  await api(licenseFileRoutes) // /api/licenses/:id/file(s), /api/license-files/*
  await api(statsRoutes)
  await api(notificationRoutes)
  await api(adminRoutes)

  await api(securityRoutes) // /api/security/*
  await api(webhookRoutes) // /api/webhooks
  // Client API (engine engineer)
  await api(clientRoutes)
  await api(clientFileRoutes) // /api/client/license-file, /api/client/revocations
  // Unknown /api paths: the path's protocol's 404 (LicenseCM's envelope, SellRealm's message
  // under /api/v0 and /api/v1), rate-limited (headers) like every /api answer.
  await registerRateLimitedNotFound(app, protocolNotFound, protocolErrorHandler)
}
