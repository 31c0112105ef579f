import type { FastifyRequest, RouteOptions } from 'fastify'
import type { ApiKeyScope } from '@shared/apikeys'
import type { Services } from '../../services'
import type { AuthGuards, Authenticator } from './auth'
import { checkRequestSignature } from './signature'

/**
 * THE scope table: which scope each management route family needs, for reading (GET/HEAD)
 * and for changing (every other method). One place, enforced on every route of a family by
 * `enforceScopes` below; the first matching prefix wins. JWT principals (a logged-in account)
 * hold every scope their role allows; API keys hold only what they were given, and `admin`
 * grants everything. Routes no prefix matches (sign-in, /api/auth/me, the client API, health,
 * the OpenAPI document) need no scope.
 */
export const SCOPE_TABLE: readonly { prefix: string; read: ApiKeyScope; write: ApiKeyScope }[] = [
  { prefix: '/api/licenses', read: 'licenses:read', write: 'licenses:write' },
  { prefix: '/api/products', read: 'products:read', write: 'products:write' },
  { prefix: '/api/variables', read: 'products:read', write: 'products:write' },
  { prefix: '/api/security', read: 'security:read', write: 'security:write' },
  { prefix: '/api/blacklist', read: 'security:read', write: 'security:write' },
  { prefix: '/api/webhooks', read: 'webhooks:read', write: 'webhooks:write' },
  { prefix: '/api/orders', read: 'store:read', write: 'store:write' },
  { prefix: '/api/customers', read: 'store:read', write: 'store:write' },
  { prefix: '/api/store', read: 'store:read', write: 'store:write' },
  { prefix: '/api/stats', read: 'stats:read', write: 'stats:read' },
  { prefix: '/api/dashboard', read: 'stats:read', write: 'stats:read' },
  { prefix: '/api/notifications', read: 'notifications:read', write: 'notifications:write' },
  { prefix: '/api/admin', read: 'admin', write: 'admin' },
  { prefix: '/api/accounts', read: 'admin', write: 'admin' },
  { prefix: '/api/api-keys', read: 'admin', write: 'admin' },
  // Account secrets (SellRealm auth_secret / store_secret): whoever reads them can act as the account.
  { prefix: '/api/account', read: 'admin', write: 'admin' },
]

/** The scope a request needs (null = none), from the route's URL pattern and method. */
export function scopeFor(method: string, url: string): ApiKeyScope | null {
  const path = url.split('?')[0]
  for (const row of SCOPE_TABLE) {
    if (path === row.prefix || path.startsWith(row.prefix + '/')) {
      return method === 'GET' || method === 'HEAD' ? row.read : row.write
    }
  }
  return null
}

/**
 * `X-API-Key: <key>` for the management auth chain. No header: not ours (null). A bad,
 * revoked or expired key, or an address outside the key's allow-list: UNAUTHORIZED. A key
 * with `require_signature` then has its request signature checked (FORBIDDEN when wrong,
 * stale or replayed). Runs in preValidation, after captureRawBody kept the raw body.
 */
export function apiKeyAuthenticator(services: Pick<Services, 'apiKeys'>): Authenticator {
  return async (req: FastifyRequest) => {
    const header = req.headers['x-api-key']
    if (header === undefined) return null
    const key = (Array.isArray(header) ? header[0] : header).trim()
    const auth = await services.apiKeys.authenticate(key, req.ip)
    if (auth.requireSignature) await checkRequestSignature(services.apiKeys, req, auth.keyId)
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

/**
 * onRoute hook: gives every route the table names a `requireScope` guard, in front of the
 * route's own hooks, so that no route family can forget it. Register it in the management
 * API's scope before the route families.
 */
export function enforceScopes(auth: AuthGuards) {
  const guards = new Map<ApiKeyScope, ReturnType<AuthGuards['requireScope']>>()
  const guard = (scope: ApiKeyScope) => {
    let g = guards.get(scope)
    if (!g) guards.set(scope, (g = auth.requireScope(scope)))
    return g
  }
  return (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const scopes = new Set(methods.map((m) => scopeFor(m, route.url)).filter((s) => s !== null))
    if (scopes.size === 0) return
    const own = route.preValidation
      ? Array.isArray(route.preValidation)
        ? route.preValidation
        : [route.preValidation]
      : []
    const mine =
      methods.length === 1
        ? [guard([...scopes][0])]
        : [
            async (
              req: FastifyRequest,
              reply: Parameters<ReturnType<AuthGuards['requireScope']>>[1],
            ) => {
              const s = scopeFor(req.method, route.url)
              if (s) await guard(s)(req, reply)
            },
          ]
    route.preValidation = [...mine, ...own] as RouteOptions['preValidation']
  }
}
