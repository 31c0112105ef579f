import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { DomainError } from '@shared/errors'
import type { ApiKeyScope } from '@shared/apikeys'
import type { Services } from '../../services'
import type { AuthGuards, Authenticator } from './auth'
import { checkRequestSignature } from './signature'

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>

/**
 * THE scope table: which scope each management route family needs, for reading (GET/HEAD)
 * and for changing (every other method). One place, enforced on every route of a family by
 * `enforceScopes` below; the first matching prefix wins. JWT principals (a logged-in account)
 * hold every scope their role allows; API keys hold only what they were given, and `admin`
 * grants everything. Routes no prefix matches (sign-in, /api/auth/me, the client API, health,
 * the OpenAPI document) need no scope.
 */
export interface ScopeRow {
  prefix: string
  read: ApiKeyScope
  write: ApiKeyScope
  /**
   * The family narrows itself to one product for a product-bound key (it checks the product
   * of every id it is given). Families that are not are closed to product-bound keys: their
   * operations (a blacklist entry, a webhook, the settings) are installation-wide.
   */
  productAware: boolean
}

/** The table itself (see above); first matching prefix wins. */
export const SCOPE_TABLE: readonly ScopeRow[] = [
  { prefix: '/api/licenses', read: 'licenses:read', write: 'licenses:write', productAware: true },
  { prefix: '/api/products', read: 'products:read', write: 'products:write', productAware: true },
  { prefix: '/api/variables', read: 'products:read', write: 'products:write', productAware: false },
  { prefix: '/api/security', read: 'security:read', write: 'security:write', productAware: false },
  { prefix: '/api/blacklist', read: 'security:read', write: 'security:write', productAware: false },
  { prefix: '/api/webhooks', read: 'webhooks:read', write: 'webhooks:write', productAware: false },
  { prefix: '/api/orders', read: 'store:read', write: 'store:write', productAware: false },
  { prefix: '/api/customers', read: 'store:read', write: 'store:write', productAware: false },
  { prefix: '/api/store', read: 'store:read', write: 'store:write', productAware: false },
  { prefix: '/api/stats', read: 'stats:read', write: 'stats:read', productAware: false },
  { prefix: '/api/dashboard', read: 'stats:read', write: 'stats:read', productAware: false },
  {
    prefix: '/api/notifications',
    read: 'notifications:read',
    write: 'notifications:write',
    productAware: false,
  },
  { prefix: '/api/admin', read: 'admin', write: 'admin', productAware: false },
  { prefix: '/api/accounts', read: 'admin', write: 'admin', productAware: false },
  // api-keys.ts binds keys minted by a product-bound key to the same product.
  { prefix: '/api/api-keys', read: 'admin', write: 'admin', productAware: true },
  // Account secrets (SellRealm auth_secret / store_secret): whoever reads them can act as the account.
  { prefix: '/api/account', read: 'admin', write: 'admin', productAware: false },
]

/** The table row for a route URL (pattern or concrete path), or null when none applies. */
export function scopeRow(url: string): ScopeRow | null {
  const path = url.split('?')[0]
  for (const row of SCOPE_TABLE) {
    if (path === row.prefix || path.startsWith(row.prefix + '/')) return row
  }
  return null
}

/** The scope a request needs (null = none), from the route's URL pattern and method. */
export function scopeFor(method: string, url: string): ApiKeyScope | null {
  const row = scopeRow(url)
  if (!row) return null
  return method === 'GET' || method === 'HEAD' ? row.read : row.write
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

/**
 * onRoute hook: gives every route the table names a guard in front of the route's own hooks,
 * so that no route family can forget it: `requireScope(<the table's scope>)`, then, for a
 * product-bound API key, a refusal on families that are not product-aware. Register it in
 * the management API's scope before the route families.
 */
export function enforceScopes(auth: AuthGuards) {
  const guards = new Map<ApiKeyScope, Hook>()
  const guard = (scope: ApiKeyScope) => {
    let g = guards.get(scope)
    if (!g) guards.set(scope, (g = auth.requireScope(scope)))
    return g
  }
  return (route: RouteOptions) => {
    const row = scopeRow(route.url)
    if (!row) return
    const check: Hook = async (req, reply) => {
      await guard(scopeFor(req.method, route.url)!)(req, reply)
      const p = req.principal
      if (p?.via === 'api_key' && p.productId && !row.productAware) {
        throw new DomainError(
          'FORBIDDEN',
          `This API key is bound to one product and cannot use ${row.prefix}`,
        )
      }
    }
    const own = route.preValidation === undefined ? [] : [route.preValidation].flat()
    route.preValidation = [check, ...own] as RouteOptions['preValidation']
  }
}
