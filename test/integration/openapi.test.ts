import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import Ajv2020 from 'ajv/dist/2020.js'
import { registeredRoutes } from '../../src/main/http/middleware/openapi'

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

/** Fastify's `/api/licenses/:id` is OpenAPI's `/api/licenses/{id}`. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

describe('OpenAPI 3.1 document at /api/openapi.json', () => {
  let s: TestServer
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: any
  beforeAll(async () => {
    s = await startTestServer()
    const r = await s.json('/api/openapi.json')
    expect(r.status).toBe(200)
    doc = r.body
  })
  afterAll(() => s.stop())
  /** A `#/components/...` reference's target (or the object itself when it is none). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const resolve = (o: any): any =>
    o?.$ref
      ? resolve(
          (o.$ref as string)
            .slice(2)
            .split('/')
            .reduce((at: Record<string, unknown>, k: string) => at?.[k] as never, doc),
        )
      : o
  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => METHODS.includes(m))
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        .map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, path, op: op as any })),
    )

  it('gives every operation an operationId, a summary, its security, a 2xx schema and its error answers', () => {
    const ops = operations()
    expect(ops.length).toBeGreaterThan(100)
    const ids = ops.map((o) => o.op.operationId)
    expect(ids.filter((id) => typeof id !== 'string' || !/^[A-Za-z0-9]+$/.test(id))).toEqual([])
    expect(new Set(ids).size).toBe(ids.length)
    for (const { at, path, op } of ops) {
      expect(typeof op.summary === 'string' && op.summary.length > 0, `${at} summary`).toBe(true)
      expect(Array.isArray(op.security), `${at} security`).toBe(true)
      for (const req of op.security)
        for (const name of Object.keys(req))
          expect(doc.components.securitySchemes[name], `${at} scheme ${name}`).toBeDefined()
      const codes = Object.keys(op.responses)
      const success = codes.filter((c) => /^2\d\d$/.test(c))
      expect(success.length, `${at} 2xx`).toBeGreaterThan(0)
      for (const c of success) {
        const content = resolve(op.responses[c]).content ?? {}
        const schema = Object.values(content as Record<string, { schema?: unknown }>)[0]?.schema
        expect(schema, `${at} ${c} schema`).toBeTypeOf('object')
      }
      // Error answers are references to the protocol's shared responses, never inlined.
      const errors = codes.filter((c) => /^[45]\d\d$/.test(c))
      expect(errors, `${at} errors`).toEqual(expect.arrayContaining(['404', '500']))
      for (const c of errors) {
        expect(op.responses[c].$ref, `${at} ${c}`).toMatch(/^#\/components\/responses\//)
        expect(resolve(op.responses[c]).content['application/json'].schema.$ref).toMatch(
          /^#\/components\/schemas\/(Licensecm|Sellrealm|Devpayr|Hirez)Error$/,
        )
      }
      if (op.security.length > 0 && !path.startsWith('/hirez/'))
        expect(errors, `${at} credentials`).toEqual(expect.arrayContaining(['401', '403']))
    }
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })])
  })

  it('documents each protocol error shape once, with an optional request_id', () => {
    const shapes: Record<string, string[]> = {
      LicensecmError: ['success', 'message', 'error_code'],
      SellrealmError: ['status', 'message'],
      DevpayrError: ['status', 'message', 'data', 'errors'],
      HirezError: ['ret_msg'],
    }
    for (const [name, required] of Object.entries(shapes)) {
      const schema = doc.components.schemas[name]
      expect(schema.required, name).toEqual(expect.arrayContaining(required))
      expect(schema.properties.request_id, name).toEqual({ type: 'string' })
      expect(schema.required, name).not.toContain('request_id')
    }
    const bad = doc.paths['/api/licenses'].post.responses['400']
    expect(bad).toEqual({ $ref: '#/components/responses/LicensecmBadRequest' })
    expect(doc.paths['/api/v1/orders'].get.security).toEqual([{ sellrealmStoreSecret: [] }])
    expect(doc.paths['/devpayr/api/v1/project/has-paid'].post.security).toEqual([
      { devpayrLicenseKey: [] },
    ])
  })

  it("answers 201 where the handler answers 201, with the handler's own schema", async () => {
    for (const [method, path] of [
      ['post', '/api/licenses'],
      ['post', '/api/products'],
      ['post', '/api/api-keys'],
      ['post', '/api/webhooks'],
      ['post', '/api/orders'],
      ['post', '/api/security/blacklist'],
      ['post', '/api/auth/register'],
      ['post', '/devpayr/api/v1/project'],
    ]) {
      expect(Object.keys(doc.paths[path][method].responses), `${method} ${path}`).toContain('201')
      expect(doc.paths[path][method].responses['200'], `${method} ${path}`).toBeUndefined()
    }
    const list = doc.paths['/api/licenses'].get.responses['200'].content['application/json'].schema
    expect(list.properties.data.properties.licenses.items).toEqual({
      $ref: '#/components/schemas/License',
    })
    expect(doc.components.schemas.License.required).toEqual(
      expect.arrayContaining(['id', 'license_key', 'product_id', 'status', 'expires_at']),
    )
  })

  /**
   * Operations whose success answer is still only the protocol envelope (`data` untyped, or
   * the bare `LicensecmSuccess` / `SellrealmSuccess`). Shrink this list, never grow it: every
   * other operation must document what its `data` holds.
   */
  it('types the answer of every operation: none is left with only the protocol envelope', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const untyped = (schema: any): boolean => {
      if (/#\/components\/schemas\/\w+Success$/.test(schema?.$ref ?? '')) return true
      const s = resolve(schema)
      const data = s?.properties?.data
      return data !== undefined && Object.keys(resolve(data)).length === 0
    }
    const found = operations()
      .filter(({ op }) =>
        Object.entries(op.responses as Record<string, unknown>)
          .filter(([c]) => /^2\d\d$/.test(c))
          .some(([, r]) => {
            const content = resolve(r).content ?? {}
            return untyped(
              Object.values(content as Record<string, { schema?: unknown }>)[0]?.schema,
            )
          }),
      )
      .map(({ op }) => op.operationId as string)
      .sort()
    expect(found).toEqual([])
  })

  it('is a structurally valid OpenAPI 3.1 document', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/)
    expect(typeof doc.info.title).toBe('string')
    expect(typeof doc.info.version).toBe('string')
    expect(doc.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    })
    const paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    expect(paths.length).toBeGreaterThan(5)
    for (const [path, item] of paths) {
      expect(path.startsWith('/')).toBe(true)
      const ops = Object.entries(item).filter(([m]) => METHODS.includes(m))
      expect(ops.length, path).toBeGreaterThan(0)
      for (const [method, op] of ops) {
        const o = op as {
          responses?: Record<string, unknown>
          parameters?: { in: string; name: string }[]
        }
        expect(o.responses, `${method} ${path}`).toBeTypeOf('object')
        expect(Object.keys(o.responses!).length, `${method} ${path}`).toBeGreaterThan(0)
        // Every {param} in the path is declared as a path parameter.
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
          expect(
            o.parameters?.some((p) => p.in === 'path' && p.name === name),
            `${method} ${path} declares {${name}}`,
          ).toBe(true)
        }
      }
    }
  })

  it('holds only valid JSON Schema 2020-12 (the dialect of OpenAPI 3.1) in parameters, bodies and responses', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false })
    const bad: string[] = []
    let checked = 0
    const check = (where: string, schema: unknown) => {
      checked++
      if (!ajv.validateSchema(schema as object)) bad.push(`${where}: ${ajv.errorsText(ajv.errors)}`)
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item as object).filter(([m]) =>
        METHODS.includes(m),
      )) {
        for (const p of op.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie'], `${method} ${path}`).toContain(p.in)
          if (p.in === 'path') expect(p.required, `${method} ${path} {${p.name}}`).toBe(true)
          check(`${method} ${path} ${p.in}.${p.name}`, p.schema)
        }
        for (const [type, c] of Object.entries(op.requestBody?.content ?? {}))
          check(`${method} ${path} body ${type}`, (c as { schema: unknown }).schema)
        const responses: Record<
          string,
          { description?: unknown; content?: object; $ref?: string }
        > = op.responses
        for (const [status, ref] of Object.entries(responses)) {
          const r = resolve(ref)
          expect(status, `${method} ${path}`).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/)
          expect(typeof r.description, `${method} ${path} ${status} description`).toBe('string')
          for (const [type, c] of Object.entries(r.content ?? {}))
            check(`${method} ${path} ${status} ${type}`, (c as { schema: unknown }).schema)
        }
      }
    }
    expect(checked).toBeGreaterThan(20)
    expect(bad).toEqual([])
  })

  it('lists every registered /api, /devpayr/api and /hirez route', () => {
    const documented = ['/api', '/devpayr/api', '/hirez/']
    const all = registeredRoutes(s.runtime.server!.app).filter(
      (r) => documented.some((p) => r.url.startsWith(p)) && r.method !== 'HEAD',
    )
    // Hidden on purpose: 405 catch-alls for wrong methods and trailing-slash aliases.
    const routes = all.filter((r) => !r.hidden)
    expect(routes.length).toBeGreaterThan(10)
    expect(all.filter((r) => r.hidden).length).toBeLessThan(all.length / 2)
    const missing = routes.filter((r) => !doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()])
    expect(missing).toEqual([])
  })

  it('is generated from the zod schemas that validate requests', async () => {
    const create = doc.paths['/api/api-keys'].post
    const schema = create.requestBody.content['application/json'].schema
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'scopes']))
    expect(schema.properties.scopes.items.enum).toEqual(
      expect.arrayContaining(['licenses:read', 'admin']),
    )
    // ...and the server refuses what the document says is invalid.
    const r = await s.json('/api/api-keys', {
      method: 'POST',
      body: { name: 'x', scopes: ['nope'] },
    })
    expect([400, 401]).toContain(r.status)
    // Access and retry-safety, from the route's declared access and the idempotency opt-in.
    expect(create.security).toEqual([
      { bearer: [] },
      { apiKey: [] },
      { apiKey: [], signature: [], signatureTimestamp: [] },
    ])
    expect(create.description).toMatch(/scope `admin`/)
    expect(create.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'idempotency-key' }),
    )
    expect(doc.paths['/api/licenses'].get.description).toMatch(/licenses:read/)
    expect(doc.paths['/api/auth/login'].post.security).toEqual([])
    const lic = doc.paths['/api/licenses']?.post
    expect(lic.requestBody.content['application/json'].schema.required).toContain('product_id')
  })

  it('is answered with the API version and rate-limit headers, like every /api answer', async () => {
    const r = await s.json('/api/openapi.json')
    expect(r.headers.get('api-version')).toBe('1')
    expect(r.headers.get('x-keywarden-version')).toMatch(/^\d+\.\d+\.\d+/)
    const me = await s.json('/api/auth/me')
    expect(me.status).toBe(401)
    expect(me.headers.get('api-version')).toBe('1')
    expect(me.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/)
    expect(me.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/)
    expect(me.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/)
  })
})

describe('rate-limit and version headers on /api answers', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
    await s.runtime.services.settings.update({ kind: 'console' }, { api_rate_limit_per_minute: 4 })
  })
  afterAll(() => s.stop())

  it('counts down on every answer, unknown /api paths included, then 429 with Retry-After', async () => {
    const first = await s.json('/api/auth/me')
    expect(first.headers.get('x-ratelimit-limit')).toBe('4')
    expect(first.headers.get('x-ratelimit-remaining')).toBe('3')
    const missing = await s.json('/api/no/such/route')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ success: false, error_code: 'NOT_FOUND' })
    expect(missing.headers.get('x-ratelimit-remaining')).toBe('2')
    expect(missing.headers.get('api-version')).toBe('1')
    await s.json('/api/openapi.json')
    await s.json('/api/auth/me')
    const limited = await s.json('/api/auth/me')
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({ success: false, error_code: 'RATE_LIMITED' })
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0)
    expect(limited.headers.get('api-version')).toBe('1')
  })
})
