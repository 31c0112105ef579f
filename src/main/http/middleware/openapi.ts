import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import swagger from '@fastify/swagger'
import { createJsonSchemaTransform } from 'fastify-type-provider-zod'
import { SIGNATURE_WINDOW_SECONDS } from '@shared/apikeys'
import { VERSION } from '../../version'
import { API_VERSION } from './api-version'
import type { RouteAccess } from './api-key'

const zodTransform = createJsonSchemaTransform({})

type Transformed = { schema: FastifySchema & Record<string, unknown>; url: string }

/**
 * Adds what the zod schemas cannot say: which credentials and scope a route needs (from the
 * route's own `config.access`, the same declaration that enforces it), and the
 * Idempotency-Key header on routes that honour it. `x-keywarden-scope` names the scope, or
 * `public` / `authenticated`; `x-keywarden-product-aware` says whether a product-bound key
 * may call a scoped route.
 */
function describeAccess(route: RouteOptions, t: Transformed): Transformed {
  const access = route.config?.access
  const notes: string[] = []
  if (access !== undefined) {
    t.schema ??= {}
    t.schema['x-keywarden-scope'] = accessName(access)
  }
  // DevPayr's backend takes API keys only (X-API-KEY is the same header as X-API-Key).
  const keyOnly = route.url.startsWith('/devpayr/')
  if (keyOnly && typeof access === 'object') {
    t.schema.security = [{ apiKey: [] }]
    t.schema['x-keywarden-product-aware'] = access.productAware
    notes.push(
      `Needs an API key (\`X-API-KEY\`) with scope \`${access.scope}\` (or \`admin\`)` +
        (access.productAware ? '; a product-bound key only for its project.' : '.'),
    )
  } else if (access === 'authenticated') {
    t.schema.security = [{ bearer: [] }, { apiKey: [] }]
    notes.push('Needs a JWT or an API key (any scope).')
  } else if (typeof access === 'object') {
    const { scope, productAware } = access
    t.schema.security = [{ bearer: [] }, { apiKey: [] }]
    t.schema['x-keywarden-product-aware'] = productAware
    notes.push(
      `Needs a JWT, or an API key with scope \`${scope}\`${scope === 'admin' ? '' : ' (or `admin`)'}` +
        (productAware
          ? '; a product-bound key only for its product.'
          : '; not a product-bound key.'),
    )
  }
  if (route.config?.idempotent) {
    const headers = (t.schema.headers ?? { type: 'object', properties: {} }) as {
      properties?: Record<string, unknown>
    }
    headers.properties = {
      ...headers.properties,
      'idempotency-key': {
        type: 'string',
        maxLength: 255,
        description: 'Retry-safe creation: the same key and body replay the first answer for 24 h.',
      },
    }
    t.schema.headers = headers
  }
  if (notes.length) {
    t.schema.description = [t.schema.description, ...notes].filter(Boolean).join('\n\n')
  }
  return t
}

/** How the document names a route's access: its scope, `public` or `authenticated`. */
export function accessName(access: RouteAccess): string {
  return typeof access === 'object' ? access.scope : access
}

export interface RegisteredRoute {
  method: string
  url: string
  /** The route's declared access (`config.access`); undefined outside an access-checked scope. */
  access?: RouteAccess
  /** Deliberately left out of the document (`schema.hide`: 405 catch-alls, duplicate aliases). */
  hidden: boolean
}

/** Every route registered on an app, for the "every route is documented" test. */
const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>()

export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return registered.get(app) ?? []
}

const DESCRIPTION = `Keywarden's management API (LicenseCM-compatible, under /api) and client API (/api/client).

Authenticate management calls with \`Authorization: Bearer <JWT>\` (from /api/auth/login) or with a backend API key, \`X-API-Key: <key>\`. Keys carry scopes; a call outside them is refused with 403 naming the scope.

Keys created with \`require_signature\` must also sign every non-GET request and everything under /api/admin and /api/security: \`X-Timestamp\` (Unix seconds, within ±${SIGNATURE_WINDOW_SECONDS} s) and \`X-Signature\` = Base64(HMAC-SHA256(secret, METHOD + "\\n" + PATH + "\\n" + TIMESTAMP + "\\n" + BODY)), PATH as sent including the query string, BODY the raw body ("" when none). A signature is accepted once.

Creating POSTs accept \`Idempotency-Key\`: a retry with the same key and body replays the first answer (header \`Idempotent-Replayed: true\`); the same key with another body is a 409. Keys are remembered for 24 h.

DevPayr's runtime and backend API is served under /devpayr/api/v1 (answers \`{status, message, data, errors}\`): runtime routes take \`X-LICENSE-KEY\` and \`X-Devpayr-Domain\`, backend routes \`X-API-KEY\`.

Every answer carries \`API-Version\` and the rate-limit headers \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\`; a 429 also \`Retry-After\`.`

/**
 * OpenAPI 3.1 for everything under /api, generated by @fastify/swagger from the very zod
 * schemas that validate each route (fastify-type-provider-zod's transform), so the document
 * cannot drift from what the server accepts. Served at GET /api/openapi.json (openApiRoutes).
 * Register before any route: both the generator and the route list hook into onRoute.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const routes: RegisteredRoute[] = []
  registered.set(app, routes)
  app.addHook('onRoute', (r: RouteOptions) => {
    const hidden = (r.schema as { hide?: boolean } | undefined)?.hide === true
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) {
      routes.push({ method: m, url: r.url, hidden, access: r.config?.access })
    }
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keywarden API',
        version: `${API_VERSION} (server ${VERSION})`,
        description: DESCRIPTION,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
    transform: (doc) => {
      // /api, DevPayr's /devpayr/api and the Hi-Rez developer API belong in the API document
      // (not the web console's own endpoints).
      const documented = ['/api', '/devpayr/api', '/hirez/'].some((p) => doc.url.startsWith(p))
      if (!documented) return { schema: { hide: true }, url: doc.url }
      return describeAccess(doc.route, zodTransform(doc) as Transformed)
    },
  })
}

/**
 * GET /api/openapi.json, registered as a route family inside the management API's scope so it
 * is rate-limited and answered like every other /api route (`await api(openApiRoutes)`).
 */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/openapi.json',
    {
      schema: { tags: ['meta'], summary: 'This OpenAPI 3.1 document' },
      config: { access: 'public' },
    },
    async () => app.swagger(),
  )
}
