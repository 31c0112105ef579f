import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin } from '../helpers/mgmt'
import { createKey } from '../helpers/apikeys'
import { registeredRoutes } from '../../src/main/http/middleware/openapi'
import { needsScope, registerKeyAccess } from '../../src/main/http/middleware/api-key'
import { registerRequestOrigin } from '../../src/main/http/middleware/origin'
import { protocolErrorHandler } from '../../src/main/http/errors'

/**
 * Every route's access as the OpenAPI document states it (`x-keywarden-scope`, with
 * " product" when a product-bound key may call it), HEAD aliases and SellRealm's surfaces
 * (their own credentials) left out. A route whose access changes changes this table.
 */
const ROUTE_ACCESS: Record<string, string> = {
  'GET /api/health': 'public',
  'GET /api/ready': 'public',
  'POST /api/auth/register': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/refresh': 'public',
  'GET /api/auth/me': 'authenticated',
  'PUT /api/auth/password': 'authenticated',
  'POST /api/api-keys': 'admin product',
  'GET /api/api-keys': 'admin product',
  'GET /api/api-keys/:id': 'admin product',
  'DELETE /api/api-keys/:id': 'admin product',
  'POST /api/hirez/developers': 'admin',
  'GET /api/hirez/developers': 'admin',
  'GET /api/hirez/developers/:dev_id': 'admin',
  'PATCH /api/hirez/developers/:dev_id': 'admin',
  'POST /api/hirez/developers/:dev_id/rekey': 'admin',
  'DELETE /api/hirez/developers/:dev_id': 'admin',
  'GET /api/openapi.json': 'public',
  'GET /api/account/secrets': 'admin',
  'POST /api/account/secrets/regenerate': 'admin',
  'GET /api/products/:id/variables': 'products:read product',
  'POST /api/products/:id/variables': 'products:write product',
  'GET /api/products/:id/variables/:name': 'products:read product',
  'DELETE /api/products/:id/variables/:name': 'products:write product',
  'GET /api/licenses/:id/variables': 'licenses:read product',
  'POST /api/licenses/:id/variables': 'licenses:write product',
  'GET /api/licenses/:id/variables/:name': 'licenses:read product',
  'DELETE /api/licenses/:id/variables/:name': 'licenses:write product',
  'GET /api/orders': 'store:read',
  'POST /api/orders': 'store:write',
  'GET /api/orders/:id': 'store:read',
  'PATCH /api/orders/:id': 'store:write',
  'POST /api/orders/:id/refund': 'store:write',
  'GET /api/customers': 'store:read',
  'GET /api/customers/:id': 'store:read',
  'GET /api/store/analytics': 'store:read',
  'GET /api/products': 'products:read product',
  'POST /api/products': 'products:write product',
  'GET /api/products/:id': 'products:read product',
  'PUT /api/products/:id': 'products:write product',
  'DELETE /api/products/:id': 'products:write product',
  'POST /api/products/:id/regenerate-key': 'products:write product',
  'GET /api/licenses': 'licenses:read product',
  'POST /api/licenses': 'licenses:write product',
  'POST /api/licenses/bulk': 'licenses:write product',
  'GET /api/licenses/:id': 'licenses:read product',
  'PUT /api/licenses/:id': 'licenses:write product',
  'DELETE /api/licenses/:id': 'licenses:write product',
  'POST /api/licenses/:id/reset-hwid': 'licenses:write product',
  'POST /api/licenses/:id/seats/cull': 'licenses:write product',
  'POST /api/licenses/:id/ban': 'licenses:write product',
  'POST /api/licenses/:id/unban': 'licenses:write product',
  'POST /api/licenses/:id/file': 'licenses:write product',
  'GET /api/licenses/:id/files': 'licenses:read product',
  'POST /api/licenses/:id/files/:fileId/revoke': 'licenses:write product',
  'POST /api/license-files/from-request': 'licenses:write product',
  'POST /api/licenses/:id/revoke-sessions': 'licenses:write product',
  'GET /api/licenses/:id/logs': 'licenses:read product',
  'GET /api/stats/dashboard': 'stats:read',
  'GET /api/stats/products/:id': 'stats:read',
  'GET /api/notifications': 'notifications:read',
  'GET /api/notifications/unread-count': 'notifications:read',
  'PUT /api/notifications/read-all': 'notifications:write',
  'PUT /api/notifications/:id/read': 'notifications:write',
  'GET /api/admin/users': 'admin',
  'PUT /api/admin/users/:id': 'admin',
  'GET /api/admin/settings': 'admin',
  'PUT /api/admin/settings': 'admin',
  'GET /api/security/blacklist': 'security:read',
  'POST /api/security/blacklist': 'security:write',
  'DELETE /api/security/blacklist/:id': 'security:write',
  'PATCH /api/security/blacklist/:id': 'security:write',
  'GET /api/security/events': 'security:read',
  'GET /api/security/stats': 'security:read',
  'GET /api/security/sessions': 'security:read',
  'POST /api/security/sessions/:id/revoke': 'security:write',
  'POST /api/security/licenses/:id/suspend': 'security:write',
  'POST /api/security/block-ip': 'security:write',
  'POST /api/security/block-hwid': 'security:write',
  'GET /api/security/settings': 'security:read',
  'PUT /api/security/settings': 'security:write',
  'GET /api/webhooks': 'webhooks:read',
  'POST /api/webhooks': 'webhooks:write',
  'GET /api/webhooks/:id': 'webhooks:read',
  'PUT /api/webhooks/:id': 'webhooks:write',
  'DELETE /api/webhooks/:id': 'webhooks:write',
  'POST /api/webhooks/:id/test': 'webhooks:write',
  'POST /api/webhooks/:id/rotate-secret': 'webhooks:write',
  'GET /api/webhooks/:id/deliveries': 'webhooks:read',
  'POST /api/webhooks/deliveries/:id/redeliver': 'webhooks:write',
  'POST /api/client/validate': 'public',
  'POST /api/client/activate': 'public',
  'POST /api/client/heartbeat': 'public',
  'POST /api/client/deactivate': 'public',
  'POST /api/client/verify-challenge': 'public',
  'GET /api/client/public-key': 'public',
  'POST /api/client/license-file': 'public',
  'GET /api/client/revocations': 'public',
  // DevPayr (issue 14): runtime routes take the license key; backend routes an API key.
  'POST /devpayr/api/v1/project/has-paid': 'public',
  'GET /devpayr/api/v1/injectable/stream': 'public',
  'POST /devpayr/api/v1/project': 'products:write product',
  'GET /devpayr/api/v1/projects': 'products:read product',
  'GET /devpayr/api/v1/project/:id': 'products:read product',
  'PUT /devpayr/api/v1/project/:id': 'products:write product',
  'PATCH /devpayr/api/v1/project/:id': 'products:write product',
  'DELETE /devpayr/api/v1/project/:id': 'products:write product',
  'GET /devpayr/api/v1/project/:id/has-paid': 'products:read product',
  'GET /devpayr/api/v1/project/:project/licenses': 'licenses:read product',
  'POST /devpayr/api/v1/project/:project/licenses': 'licenses:write product',
  'GET /devpayr/api/v1/project/:project/licenses/:license': 'licenses:read product',
  'DELETE /devpayr/api/v1/project/:project/licenses/:license': 'licenses:write product',
  'POST /devpayr/api/v1/project/:project/licenses/:license/revoke': 'licenses:write product',
  'POST /devpayr/api/v1/project/:project/licenses/:license/reactivate': 'licenses:write product',
  'GET /devpayr/api/v1/project/:project/domains': 'products:read product',
  'POST /devpayr/api/v1/project/:project/domains': 'products:write product',
  'GET /devpayr/api/v1/project/:project/domain/:domain': 'products:read product',
  'PUT /devpayr/api/v1/project/:project/domain/:domain': 'products:write product',
  'PATCH /devpayr/api/v1/project/:project/domain/:domain': 'products:write product',
  'DELETE /devpayr/api/v1/project/:project/domain/:domain': 'products:write product',
  'GET /devpayr/api/v1/project/:project/domains/:domain': 'products:read product',
  'PUT /devpayr/api/v1/project/:project/domains/:domain': 'products:write product',
  'PATCH /devpayr/api/v1/project/:project/domains/:domain': 'products:write product',
  'DELETE /devpayr/api/v1/project/:project/domains/:domain': 'products:write product',
  'GET /devpayr/api/v1/project/:project/injectables': 'products:read product',
  'POST /devpayr/api/v1/project/:project/injectables': 'products:write product',
  'GET /devpayr/api/v1/project/:project/injectables/:injectable': 'products:read product',
  'PUT /devpayr/api/v1/project/:project/injectables/:injectable': 'products:write product',
  'PATCH /devpayr/api/v1/project/:project/injectables/:injectable': 'products:write product',
  'DELETE /devpayr/api/v1/project/:project/injectables/:injectable': 'products:write product',
  // The Hi-Rez developer API: public at the HTTP layer, the signed URL is the credential.
  ...hirezRoutes(),
}

/** Every /hirez method in both formats, with its URL parameters. */
function hirezRoutes(): Record<string, string> {
  const s = ':devId/:signature/:session/:timestamp'
  const urls = [
    'ping',
    'createsession/:devId/:signature/:timestamp',
    `testsession/${s}`,
    `getdataused/${s}`,
    `gethirezserverstatus/${s}`,
    `getlicense/${s}/:key`,
    `createlicenses/${s}/:product_id/:count`,
    `banlicense/${s}/:key`,
    `resethwid/${s}/:key`,
    `getlicensemachines/${s}/:key`,
  ]
  const rows: Record<string, string> = {}
  for (const u of urls) {
    const [name, ...rest] = u.split('/')
    for (const f of ['json', 'xml']) rows[`GET /hirez/${[name + f, ...rest].join('/')}`] = 'public'
  }
  return rows
}

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
const sellRealm = (url: string) => /^\/api\/v[01](\/|$)/.test(url)

describe('each route declares its access, and the OpenAPI document states it', () => {
  let s: TestServer
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: any
  beforeAll(async () => {
    s = await startTestServer()
    const r = await s.json('/api/openapi.json')
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200)
    doc = r.body
  })
  afterAll(() => s.stop())

  it('lists every route with its scope, as this table says', () => {
    const documented: Record<string, string> = {}
    for (const [path, item] of Object.entries(doc.paths as Record<string, object>)) {
      if (sellRealm(path)) continue
      for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
        const scope = op['x-keywarden-scope'] as string
        const product = op['x-keywarden-product-aware'] === true ? ' product' : ''
        documented[`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`] = scope + product
      }
    }
    expect(documented).toEqual(ROUTE_ACCESS)
  })

  it('has a declaration on every registered route outside SellRealm (the server enforces it)', () => {
    const routes = registeredRoutes(s.runtime.server!.app).filter(
      (r) =>
        (r.url.startsWith('/api') ||
          r.url.startsWith('/devpayr/api') ||
          (r.url.startsWith('/hirez/') && !r.hidden)) &&
        !sellRealm(r.url) &&
        // DevPayr's 405 catch-alls (hidden, no access: they answer before any credential).
        !(r.hidden && r.url.startsWith('/devpayr/')) &&
        r.method !== 'HEAD',
    )
    // The API reference's page and files (/api/docs) are routes, not operations of the document.
    const docsPages = routes.filter((r) => r.url.startsWith('/api/docs'))
    expect(docsPages.map((r) => r.access)).toEqual(['public', 'public', 'public'])
    expect(routes.length).toBe(Object.keys(ROUTE_ACCESS).length + docsPages.length)
    expect(routes.filter((r) => r.access === undefined)).toEqual([])
  })

  it('names the scope, the credentials and product-awareness of a few routes', () => {
    // A key with require_signature sends its signature headers with the key.
    const SIGNED_KEY = { apiKey: [], signature: [], signatureTimestamp: [] }
    const op = (method: string, url: string) => doc.paths[toOpenApiPath(url)][method]
    expect(op('post', '/api/licenses')).toMatchObject({
      'x-keywarden-scope': 'licenses:write',
      'x-keywarden-product-aware': true,
      security: [{ bearer: [] }, { apiKey: [] }, SIGNED_KEY],
    })
    expect(op('get', '/api/security/blacklist')).toMatchObject({
      'x-keywarden-scope': 'security:read',
      'x-keywarden-product-aware': false,
    })
    expect(op('get', '/api/security/blacklist').description).toMatch(/not a product-bound key/)
    expect(op('get', '/api/account/secrets')['x-keywarden-scope']).toBe('admin')
    expect(op('get', '/api/store/analytics')['x-keywarden-scope']).toBe('store:read')
    expect(op('get', '/api/auth/me')).toMatchObject({
      'x-keywarden-scope': 'authenticated',
      security: [{ bearer: [] }, { apiKey: [] }, SIGNED_KEY],
    })
    expect(op('post', '/api/auth/login')['x-keywarden-scope']).toBe('public')
    expect(op('post', '/api/auth/login').security).toEqual([])
    expect(op('post', '/api/client/activate')['x-keywarden-scope']).toBe('public')
    const hirez = op('get', '/hirez/getlicensejson/:devId/:signature/:session/:timestamp/:key')
    expect(hirez['x-keywarden-scope']).toBe('public')
    // Hi-Rez signs in the path (devId/signature/session/timestamp), not with a header scheme.
    expect(hirez.security).toEqual([])
  })
})

describe('the key authentication and route scopes, reused by another adapter', () => {
  let s: TestServer
  let adapter: FastifyInstance
  let base: string
  let jwt: string

  /** A stand-in for a new protocol's scope (a DevPayr-like `X-API-KEY` API). */
  async function otherAdapter(scope: FastifyInstance) {
    registerKeyAccess(scope, s.runtime.services)
    scope.get('/other/v1/licenses', { config: { access: needsScope('licenses:read') } }, () => ({
      ok: true,
    }))
    scope.get('/other/v1/ping', { config: { access: 'public' } }, () => ({ pong: true }))
  }

  beforeAll(async () => {
    s = await startTestServer()
    jwt = (await firstAdmin(s)).token
    adapter = Fastify()
    registerRequestOrigin(adapter, s.runtime.services, '127.0.0.1')
    adapter.setErrorHandler(protocolErrorHandler)
    await adapter.register(otherAdapter)
    await adapter.listen({ host: '127.0.0.1', port: 0 })
    const addr = adapter.server.address()
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  })
  afterAll(async () => {
    await adapter.close()
    await s.stop()
  })

  const get = async (path: string, key?: string) => {
    const r = await fetch(base + path, { headers: key ? { 'X-API-KEY': key } : {} })
    return { status: r.status, body: (await r.json()) as Record<string, unknown> }
  }

  it('authenticates X-API-KEY and enforces the declared scope, with the same answers', async () => {
    const reader = await createKey(s, jwt, { name: 'reader', scopes: ['licenses:read'] })
    const other = await createKey(s, jwt, { name: 'other', scopes: ['webhooks:read'] })
    expect(await get('/other/v1/licenses', reader.key)).toEqual({ status: 200, body: { ok: true } })
    const refused = await get('/other/v1/licenses', other.key)
    expect(refused.status).toBe(403)
    expect(refused.body.message).toBe('This API key lacks the licenses:read scope')
    const bad = await get('/other/v1/licenses', 'kw_not_a_key')
    expect(bad.status).toBe(401)
    expect((await get('/other/v1/licenses')).status).toBe(401)
    expect(await get('/other/v1/ping')).toEqual({ status: 200, body: { pong: true } })
  })

  it('closes a route that is not product-aware to a product-bound key', async () => {
    const product = (
      await s.json('/api/products', {
        method: 'POST',
        body: { name: 'Bound' },
        headers: { authorization: `Bearer ${jwt}` },
      })
    ).body.data
    const bound = await createKey(s, jwt, {
      name: 'bound',
      scopes: ['licenses:read'],
      product_id: product.id,
    })
    const r = await get('/other/v1/licenses', bound.key)
    expect(r.status).toBe(403)
    expect(r.body.message).toBe('This API key is bound to one product and cannot use /other/v1')
  })
})

describe('a route that declares no access', () => {
  it('does not register: the server refuses to start, naming the route', async () => {
    const s = await startTestServer()
    try {
      const app = Fastify()
      const start = async () => {
        await app.register(async (scope) => {
          registerKeyAccess(scope, s.runtime.services)
          scope.get('/api/forgotten', async () => ({ ok: true }))
        })
        await app.ready()
      }
      await expect(start()).rejects.toThrow('Route GET /api/forgotten declares no access')
      await app.close().catch(() => undefined)
    } finally {
      await s.stop()
    }
  })
})
