import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import { createHttpServer, type HttpServer } from '../../src/main/http/server'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin, PASSWORD } from '../helpers/mgmt'
import { seed } from '../helpers/licensecm-client'
import { createKey } from '../helpers/apikeys'

/**
 * Issue 12, "Done means": a bounded fuzz smoke. Per surface, PER_SURFACE malformed requests
 * from a fixed-seed PRNG (the same requests every run), each on its own TCP connection as raw
 * bytes (bad URLs, methods, content types, JSON, huge and deep values, odd headers and
 * framing), half-closed after sending. Every answer must be below 500 and no body may carry a
 * framework code (`FST_`).
 */
const PER_SURFACE = 2500
const PARALLEL = 8

/** mulberry32: a small seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]
  return { next, int, pick, chance: (p: number) => next() < p }
}
type Rng = ReturnType<typeof prng>

interface Surface {
  name: string
  paths: readonly string[]
  methods: readonly string[]
  /** A well-formed body, for mutation. */
  body: () => Record<string, unknown>
  headers: () => Record<string, string>
}

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'PROPFIND',
  'FOO',
  'G ET',
]
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'text/plain',
  'application/xml',
  'application/jsonx',
  ';;;',
  '*/*',
  '',
]
const URL_JUNK = [
  '%0',
  '%zz',
  '%',
  '%%',
  '%00',
  '%2e%2e/%2e%2e',
  '..',
  '//',
  '?a=%',
  '?__proto__[x]=1',
  '#x',
  '%C0%AF',
  '\u00e9',
  '~',
  ';x=1',
  '?' + 'q'.repeat(3000),
]
const VALUE_JUNK: (() => unknown)[] = [
  () => null,
  () => -1,
  () => 1e308,
  () => 'x'.repeat(70_000),
  () => '\u0000\ud800',
  () => [],
  () => ({ __proto__: { admin: true } }),
  () => JSON.parse('{"__proto__":{"x":1},"constructor":{"prototype":{"y":1}}}'),
  () => deep(200),
  () => Array.from({ length: 5000 }, (_, i) => i),
  () => true,
  () => 'DROP TABLE licenses; --',
]

function deep(n: number): unknown {
  let v: unknown = 'leaf'
  for (let i = 0; i < n; i++) v = { a: v }
  return v
}

function mutateUrl(r: Rng, path: string): string {
  switch (r.int(6)) {
    case 0:
      return path + r.pick(URL_JUNK)
    case 1:
      return path.replace(/[a-z]/, r.pick(URL_JUNK))
    case 2:
      return path.toUpperCase()
    case 3:
      return path + '/' + r.pick(URL_JUNK) + '/' + r.int(1e9)
    default:
      return path
  }
}

function mutateBody(r: Rng, s: Surface): string {
  const body = s.body()
  switch (r.int(8)) {
    case 0:
      return JSON.stringify(body).slice(0, r.int(40)) // truncated JSON
    case 1:
      return r.pick([
        '{bad',
        '[',
        '"',
        'null',
        '1',
        '{"a":1}{"b":2}',
        '\u0000',
        'a=1&b=%zz',
        '--xyz--',
      ])
    case 2:
      return 'x'.repeat(r.chance(0.3) ? 2 * 1024 * 1024 : 80_000) // over a limit
    case 3:
      return ''
    default: {
      const keys = Object.keys(body)
      for (let i = 0; i < 1 + r.int(3); i++) {
        const k = keys.length && r.chance(0.8) ? r.pick(keys) : 'extra_' + r.int(100)
        if (r.chance(0.2)) delete body[k]
        else body[k] = r.pick(VALUE_JUNK)()
      }
      return JSON.stringify(body)
    }
  }
}

/** One malformed request as raw bytes. */
function request(r: Rng, s: Surface): Buffer {
  const method = r.chance(0.7) ? r.pick(s.methods) : r.pick(METHODS)
  const url = mutateUrl(r, r.pick(s.paths))
  const body = r.chance(0.85) ? mutateBody(r, s) : ''
  const headers: Record<string, string> = { host: '127.0.0.1', ...s.headers() }
  if (r.chance(0.9))
    headers['content-type'] = r.chance(0.6) ? 'application/json' : r.pick(CONTENT_TYPES)
  if (r.chance(0.15)) headers['x-signature'] = r.pick(['00', 'zz', 'a'.repeat(64), ''])
  if (r.chance(0.1)) headers['x-timestamp'] = r.pick(['0', '-1', 'now', '99999999999999'])
  if (r.chance(0.1)) headers['x-api-key'] = r.pick(['kw_live_x', '', 'a'.repeat(500)])
  if (r.chance(0.1)) headers['idempotency-key'] = r.pick(['k', '', 'x'.repeat(1000)])
  if (r.chance(0.1))
    headers.authorization = r.pick(['Bearer x', 'Bearer', 'Basic Og==', 'Bearer ' + 'a.b.c'])
  if (r.chance(0.05)) headers['x-csrf-token'] = 'nope'
  const bytes = Buffer.from(body)
  const framing = r.int(10)
  let head = `${method} ${url} HTTP/1.1\r\n`
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`
  if (framing === 0) {
    // chunked, sometimes with a broken chunk size
    const size = r.chance(0.5) ? bytes.length.toString(16) : 'zz'
    return Buffer.concat([
      Buffer.from(head + 'transfer-encoding: chunked\r\n\r\n' + size + '\r\n'),
      bytes,
      Buffer.from('\r\n0\r\n\r\n'),
    ])
  }
  if (framing === 1)
    head += `content-length: ${bytes.length + 1 + r.int(100)}\r\n` // short body
  else if (framing === 2)
    head += `content-length: ${Math.max(0, bytes.length - 3)}\r\n` // long body
  else if (framing === 3) head += `content-length: -1\r\n`
  else if (framing === 4) head += `x-bad header: \u0001\r\n`
  else head += `content-length: ${bytes.length}\r\n`
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), bytes])
}

/** Sends `bytes` on a new connection, half-closes, returns everything the server sent. */
function send(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', () => {}) // a reset after a refusal: what was received still counts
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })
}

let srv: TestServer
let own: HttpServer
let surfaces: Surface[]
beforeAll(async () => {
  srv = await startTestServer({ console: { setupToken: 'fuzz-token' } })
  const s = srv.runtime.services
  const admin = await firstAdmin(srv)
  // The fuzz is about parsing and mapping, not the rate limiters: lift them.
  await s.settings.update(
    { kind: 'console' },
    {
      api_rate_limit_per_minute: 1_000_000,
      client_validate_per_minute: 100_000,
    },
  )
  await s.store.config.update({ kind: 'console' }, { rate_limit_per_minute: 1_000_000 })
  const { product, key } = await seed(srv, {}, { validate_per_minute: 100_000 })
  // Short timeouts: a request the fuzz leaves unfinished is closed within a second.
  own = await createHttpServer({
    services: s,
    port: 0,
    console: {
      setupToken: 'fuzz-token',
      authenticate: (body, meta) => s.accounts.consoleLogin(body, meta),
      currentActor: (actor) => s.accounts.currentActor(actor),
    },
    handlers: srv.runtime.handlers,
    limits: { requestTimeoutMs: 1000, headersTimeoutMs: 1000, keepAliveTimeoutMs: 500 },
  })
  // A console session on this server, so RPC requests get past the login check.
  const ownLogin = await fetch(own.url + '/console/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.email, password: PASSWORD }),
  })
  const ownCookie = ownLogin.headers.get('set-cookie')!.split(';')[0]
  const ownCsrf = ((await ownLogin.json()) as { data: { csrf: string } }).data.csrf
  const devpayrKey = (
    await createKey(srv, admin.token, {
      name: 'fuzz-devpayr',
      scopes: ['products:read', 'products:write', 'licenses:read', 'licenses:write'],
    })
  ).key
  const client = () => ({
    license_key: key,
    product_id: product.id,
    hwid: 'fuzz-hwid',
    client_data: { platform: 'linux' },
  })
  surfaces = [
    {
      name: 'LicenseCM client API',
      paths: [
        '/api/client/validate',
        '/api/client/activate',
        '/api/client/deactivate',
        '/api/client/heartbeat',
        '/api/client/verify-challenge',
        '/api/client/public-key',
      ],
      methods: ['POST'],
      body: client,
      headers: () => ({}),
    },
    {
      name: 'management API',
      paths: [
        '/api/products',
        '/api/licenses',
        '/api/licenses/bulk',
        '/api/auth/login',
        '/api/admin/settings',
        '/api/webhooks',
        '/api/security/blacklist',
        `/api/products/${product.id}`,
        '/api/stats/overview',
      ],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      body: () => ({
        name: 'Fuzz',
        product_id: product.id,
        email: 'a@b.c',
        password: 'x',
        metadata: { a: 1 },
      }),
      headers: () => ({ authorization: `Bearer ${admin.token}` }),
    },
    {
      name: 'SellRealm v0',
      paths: ['/api/v0/', '/api/v0'],
      methods: ['POST'],
      body: () => ({ type: 'check', key, product_id: product.id, auth_secret: 'x', hwid: 'h' }),
      headers: () => ({}),
    },
    {
      name: 'SellRealm v1',
      paths: [
        '/api/v1/products',
        '/api/v1/keys',
        '/api/v1/orders',
        '/api/v1/orders/1',
        '/api/v1/orders/1/refund',
        '/api/v1/customers',
        '/api/v1/analytics',
      ],
      methods: ['GET', 'POST', 'PATCH'],
      body: () => ({ product_id: product.id, email: 'a@b.c', quantity: 1 }),
      headers: () => ({ authorization: 'Bearer sr_store_nope' }),
    },
    {
      name: 'console RPC',
      paths: [
        '/console/rpc/products.list',
        '/console/rpc/licenses.create',
        '/console/rpc/settings.update',
        '/console/rpc/nope',
        '/console/login',
        '/console/session',
        '/console/logout',
      ],
      methods: ['POST'],
      body: () => ({ product_id: product.id, name: 'Fuzz', token: 'x' }),
      headers: () => ({ cookie: ownCookie, 'x-csrf-token': ownCsrf }),
    },
    {
      name: 'DevPayr',
      paths: [
        '/devpayr/api/v1/project/has-paid?include=injectables',
        '/devpayr/api/v1/injectable/stream',
        '/devpayr/api/v1/project',
        '/devpayr/api/v1/projects?action=check_project',
        `/devpayr/api/v1/project/${product.id}`,
        `/devpayr/api/v1/project/${product.id}/licenses`,
        `/devpayr/api/v1/project/${product.id}/domains`,
        `/devpayr/api/v1/project/${product.id}/domain/nope`,
        `/devpayr/api/v1/project/${product.id}/injectables`,
      ],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      body: () => ({
        name: 'Fuzz',
        domain: 'a.example.com',
        title: 'T',
        content: 'x',
        secret: 'fuzz-secret',
        max_domains: 2,
      }),
      headers: () => ({
        'x-api-key': devpayrKey,
        'x-license-key': key,
        'x-devpayr-domain': 'fuzz.example.com',
      }),
    },
    {
      // GET-only, no bodies: what gets fuzzed is the URL (segments, encoding, case, method).
      name: 'Hi-Rez developer API',
      paths: [
        '/hirez/pingjson',
        '/hirez/PingXML',
        '/hirez/createsessionjson/1004/cbda2611f11b4e229ea1db6838de0ac5/20170804143735',
        '/hirez/getdataused/1004/sig/SESSION/20170804143735',
        `/hirez/getlicensexml/1004/sig/SESSION/20170804143735/${key}`,
        `/hirez/createlicensesjson/1004/sig/SESSION/20170804143735/${product.id}/5`,
      ],
      methods: ['GET'],
      body: () => ({ a: 1 }),
      headers: () => ({}),
    },
    {
      name: 'health',
      paths: ['/api/health', '/api/health/', '/'],
      methods: ['GET'],
      body: () => ({ a: 1 }),
      headers: () => ({}),
    },
  ]
}, 60_000)
afterAll(async () => {
  await own?.close()
  await srv?.stop()
})

describe('fuzz smoke', () => {
  it(`${PER_SURFACE} malformed requests per surface: no 5xx, no framework code in any body`, async () => {
    const started = Date.now()
    const failures: string[] = []
    let answered = 0
    const byStatus: Record<number, number> = {}
    let total = 0
    for (const [i, s] of surfaces.entries()) {
      const r = prng(0x5eed + i)
      const reqs = Array.from({ length: PER_SURFACE }, () => request(r, s))
      let next = 0
      const worker = async () => {
        while (next < reqs.length) {
          const bytes = reqs[next++]
          const raw = await send(own.port, bytes)
          total++
          const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]))
          if (statuses.length > 0) answered++
          for (const x of statuses) byStatus[x] = (byStatus[x] ?? 0) + 1
          if (statuses.some((x) => x >= 500) || raw.includes('FST_')) {
            failures.push(
              `${s.name}: ${bytes.toString('latin1').slice(0, 200)} => ${raw.slice(0, 400)}`,
            )
          }
        }
      }
      await Promise.all(Array.from({ length: PARALLEL }, worker))
    }
    console.log(
      `fuzz smoke: ${total} requests (${answered} answered) over ${surfaces.length} surfaces in ${Date.now() - started} ms; statuses ${JSON.stringify(byStatus)}`,
    )
    expect(failures.slice(0, 5)).toEqual([])
    expect(total).toBe(PER_SURFACE * surfaces.length)
  }, 120_000)
})
