import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import swagger from '@fastify/swagger'
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
} from 'fastify-type-provider-zod'
import { SIGNATURE_WINDOW_SECONDS } from '@shared/apikeys'
import { openApiDocumentSchema } from '@shared/dto-schemas-mgmt'
import { VERSION } from '../../version'
import { API_VERSION } from './api-version'
import type { RouteAccess } from './api-key'
import {
  defaultSuccessRef,
  errorComponents,
  errorResponseRef,
  errorStatuses,
  operationIdOf,
  protocolOf,
} from './openapi-components'
import { withDocumentedAnswer } from './openapi-answers'

const zodTransform = createJsonSchemaTransform({})
// The schemas registered with an id (`.meta({ id })`, e.g. License) become components.
const zodComponents = createJsonSchemaTransformObject({})

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
  // DevPayr's backend takes API keys only (X-API-KEY is the same header as X-API-Key); its
  // runtime routes the license key; SellRealm's Store API its store secret as a Bearer.
  const keyOnly = route.url.startsWith('/devpayr/')
  if (/^\/api\/v1\//.test(route.url)) {
    t.schema.security = [{ sellrealmStoreSecret: [] }]
  } else if (keyOnly && access === 'public') {
    t.schema.security = [{ devpayrLicenseKey: [] }]
  } else if (keyOnly && typeof access === 'object') {
    t.schema.security = [{ devpayrApiKey: [] }]
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
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/', description: 'This server' }],
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transformObject: (doc) => completeDocument(zodComponents(doc) as OpenApiDocument),
    transform: (doc) => {
      // /api, DevPayr's /devpayr/api and the Hi-Rez developer API belong in the API document
      // (not the web console's own endpoints).
      const documented = ['/api', '/devpayr/api', '/hirez/'].some((p) => doc.url.startsWith(p))
      if (!documented) return { schema: { hide: true }, url: doc.url }
      return describeAccess(doc.route, zodTransform(withDocumentedAnswer(doc)) as Transformed)
    },
  })
}

const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An account session token from POST /api/auth/login.',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description:
      'A backend API key. Keys created with `require_signature` also send X-Timestamp and X-Signature (see signature).',
  },
  signature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Signature',
    description: `Signed requests (keys with \`require_signature\`): Base64(HMAC-SHA256(secret, METHOD + "\\n" + PATH + "\\n" + TIMESTAMP + "\\n" + BODY)), sent with X-Timestamp (Unix seconds, within ±${SIGNATURE_WINDOW_SECONDS} s).`,
  },
  signatureTimestamp: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Timestamp',
    description: 'The Unix time a signed request was signed at (see signature).',
  },
  sellrealmStoreSecret: {
    type: 'http',
    scheme: 'bearer',
    description:
      "SellRealm Store API: the account's store secret (/api/account/secrets) as a Bearer token.",
  },
  devpayrApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-KEY',
    description: 'DevPayr backend: an API key (the same keys as X-API-Key).',
  },
  devpayrLicenseKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-LICENSE-KEY',
    description: 'DevPayr runtime: the license key, with X-Devpayr-Domain naming the domain.',
  },
} as const

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']

interface Operation {
  operationId?: string
  summary?: string
  security?: Record<string, string[]>[]
  parameters?: { in: string; name: string }[]
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown }> }
  >
}
interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>
  components?: Record<string, Record<string, unknown>>
}

/** A signed API key is still an API key: the alternative every management route accepts too. */
const SIGNED_KEY = { apiKey: [], signature: [], signatureTimestamp: [] }

/**
 * The whole document's finishing pass, one place for every operation: a derived operationId,
 * `security: []` on public routes, a success schema where the route declares none, and each
 * protocol's error answers as `$ref`s to one set of components (never inlined per route).
 */
function completeDocument(doc: OpenApiDocument): OpenApiDocument {
  const components = errorComponents()
  doc.components = {
    ...doc.components,
    schemas: { ...doc.components?.schemas, ...components.schemas },
    responses: { ...doc.components?.responses, ...components.responses },
  }
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue
      const protocol = protocolOf(path)
      op.operationId ??= operationIdOf(method, path)
      op.security ??= []
      if (op.security.some((s) => 'apiKey' in s) && protocol === 'licensecm') {
        op.security.push(SIGNED_KEY)
      }
      const responses = (op.responses ??= {})
      const codes = Object.keys(responses).map(Number)
      const success = codes.filter((c) => c >= 200 && c < 300)
      const ref = defaultSuccessRef(protocol)
      // A route without a response schema gets @fastify/swagger's bare "Default Response".
      if (!success.some((c) => responses[c].content) && ref) {
        for (const c of success) delete responses[c]
        responses['200'] = {
          description: 'Success',
          content: { 'application/json': { schema: ref } },
        }
      } else {
        for (const c of success) responses[c].description = 'Success'
      }
      for (const c of codes.filter((c) => c >= 400)) delete responses[c]
      const statuses = errorStatuses(protocol, {
        secured: op.security.length > 0 || /^\/api\/(client|auth|v0)\b/.test(path),
        idempotent: op.parameters?.some((p) => p.name === 'idempotency-key') ?? false,
        rateLimited: path !== '/api/health',
        existing: codes,
      })
      for (const c of statuses) responses[c] = errorResponseRef(protocol, c) as never
    }
  }
  // The zod registry also yields each component's input form (`LicenseInput`), and a protocol's
  // bare envelope (`SellrealmSuccess`) is there for routes without a schema: drop the unused.
  const text = JSON.stringify(doc.paths)
  for (const name of Object.keys(doc.components.schemas ?? {})) {
    if (/(Input|Success)$/.test(name) && !text.includes(`"#/components/schemas/${name}"`)) {
      delete doc.components.schemas[name]
    }
  }
  return doc
}

/**
 * GET /api/openapi.json, registered as a route family inside the management API's scope so it
 * is rate-limited and answered like every other /api route (`await api(openApiRoutes)`).
 */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/openapi.json',
    {
      schema: {
        tags: ['meta'],
        summary: 'This OpenAPI 3.1 document',
        response: { 200: openApiDocumentSchema },
      },
      config: { access: 'public' },
    },
    async () => app.swagger(),
  )
}
