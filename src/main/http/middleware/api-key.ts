import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { DomainError } from '@shared/errors'
import type { ApiKeyScope } from '@shared/apikeys'
import type { Services } from '../../services'
import { createAuth, type AuthGuards, type Authenticator } from './auth'
import { captureRawBody, checkRequestSignature } from './signature'

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>

/**
 * Who may call a route, declared by the route itself in its config (`config: { access }`):
 *   - 'public': no credential (sign-in and registration, the client API, which proves itself
 *     with the license key, health, the OpenAPI document);
 *   - 'authenticated': any valid credential, no scope (the caller's own account);
 *   - `{ scope, productAware }`: a credential granting `scope`. JWT principals (a logged-in
 *     account) hold every scope their role allows; API keys only what they were given, and
 *     `admin` grants everything. `productAware` routes narrow themselves to one product for a
 *     product-bound key (they check the product of every id they are given); the others are
 *     closed to product-bound keys: what they touch (a blacklist entry, a webhook, the
 *     settings) is installation-wide.
 * In an adapter scope that registers `registerKeyAccess`, a route without a declaration does
 * not register: the server refuses to start, naming the route.
 */
export type RouteAccess =
  'public' | 'authenticated' | { readonly scope: ApiKeyScope; readonly productAware: boolean }

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (see RouteAccess in middleware/api-key.ts). */
    access?: RouteAccess
  }
}

/** A scoped declaration: `config: { access: needsScope('licenses:read', { productAware: true }) }`. */
export function needsScope(scope: ApiKeyScope, opts: { productAware?: boolean } = {}): RouteAccess {
  return { scope, productAware: opts.productAware ?? false }
}

/** The scope a route declares (null: public or any credential), for documents and tests. */
export function declaredScope(access: RouteAccess | undefined): ApiKeyScope | null {
  return typeof access === 'object' ? access.scope : null
}

/**
 * `X-API-Key: <key>` (any spelling: `X-API-KEY` is the same header). No header: not ours
 * (null). A bad, revoked or expired key, or an address outside the key's allow-list:
 * UNAUTHORIZED. A key with `require_signature` then has its request signature checked
 * (FORBIDDEN when wrong, stale or replayed). Runs in preValidation, after captureRawBody
 * kept the raw body.
 */
export function apiKeyAuthenticator(services: Pick<Services, 'apiKeys'>): Authenticator {
  return async (req: FastifyRequest) => {
    const header = req.headers['x-api-key']
    if (header === undefined) return null
    const key = (Array.isArray(header) ? header[0] : header).trim()
    const auth = await services.apiKeys.authenticate(key, req.origin.clientIp)
    if (auth.requireSignature) await checkRequestSignature(services.apiKeys, req, auth)
    return {
      actor: auth.actor,
      via: 'api_key',
      // `admin` grants every scope: '*' is how the auth chain's hasScope spells "all".
      scopes: auth.scopes.includes('admin') ? [...auth.scopes, '*'] : [...auth.scopes],
      apiKeyId: auth.keyId,
      productId: auth.productId,
      requireSignature: auth.requireSignature,
    }
  }
}

/** The family a route belongs to, as refusals name it: `/api/stats/dashboard` -> `/api/stats`. */
const familyOf = (url: string) => url.split('/').slice(0, 3).join('/')

/**
 * onRoute hook: puts in front of each route's own hooks the guard its `config.access`
 * declares (nothing for 'public'; the auth chain for 'authenticated'; `requireScope` and the
 * product-bound refusal for a scope), and throws for a route that declares nothing, so no
 * route can forget its access rule.
 */
export function enforceRouteAccess(auth: AuthGuards) {
  const guards = new Map<ApiKeyScope, Hook>()
  const guard = (scope: ApiKeyScope) => {
    let g = guards.get(scope)
    if (!g) guards.set(scope, (g = auth.requireScope(scope)))
    return g
  }
  return (route: RouteOptions) => {
    const access = route.config?.access
    if (access === undefined) {
      const methods = [route.method].flat().join(',')
      throw new Error(
        `Route ${methods} ${route.url} declares no access: add config.access ` +
          `('public', 'authenticated' or needsScope(...)); see middleware/api-key.ts`,
      )
    }
    if (access === 'public') return
    let check: Hook
    if (access === 'authenticated') {
      check = auth.requireAuth
    } else {
      const family = familyOf(route.url)
      check = async (req, reply) => {
        await guard(access.scope)(req, reply)
        const p = req.principal
        if (p?.via === 'api_key' && p.productId && !access.productAware) {
          throw new DomainError(
            'FORBIDDEN',
            `This API key is bound to one product and cannot use ${family}`,
          )
        }
      }
    }
    const own = route.preValidation === undefined ? [] : [route.preValidation].flat()
    route.preValidation = [check, ...own] as RouteOptions['preValidation']
  }
}

/**
 * Backend-key access for an adapter's scope: the X-API-Key authenticator (after the
 * adapter's own `before` authenticators, e.g. LicenseCM's JWT Bearer), the raw body kept for
 * signed requests, `req.principal`, and the route-access hook enforcing each route's
 * `config.access`. Call it inside the adapter's encapsulated scope before its routes
 * register; the guards it returns are the scope's auth chain. Any adapter (a DevPayr one
 * with `X-API-KEY`) reuses it as is.
 */
export function registerKeyAccess(
  app: FastifyInstance,
  services: Pick<Services, 'apiKeys'>,
  opts: { before?: Authenticator[] } = {},
): AuthGuards {
  const auth = createAuth([...(opts.before ?? []), apiKeyAuthenticator(services)])
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', null)
  app.addHook('preParsing', captureRawBody)
  app.addHook('onRoute', enforceRouteAccess(auth))
  return auth
}
