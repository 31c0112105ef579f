import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { PASSWORD, firstAdmin } from '../helpers/mgmt'
import { createKey } from '../helpers/apikeys'
import { WireClient, seed } from '../helpers/licensecm-client'
import { sql } from 'kysely'
import { dbOf, failEventInserts, jsonText } from '../helpers/db'

/**
 * Issue 12.1: deep JSON is refused as a 400 in each protocol's shape (never a 500), free-form
 * fields are bounded at their schema, and an activation's answer, rows and event are committed
 * together or not at all.
 */
let srv: TestServer
let jwt: string
let apiKey: string
let consoleHeaders: Record<string, string>
let productId: string
let licenseKey: string

beforeAll(async () => {
  srv = await startTestServer({ console: { setupToken: 'deep-json-token' } })
  const admin = await firstAdmin(srv)
  jwt = admin.token
  const login = await srv.json('/console/login', {
    body: { email: admin.email, password: PASSWORD },
  })
  consoleHeaders = {
    cookie: login.headers.get('set-cookie')!.split(';')[0],
    'x-csrf-token': login.body.data.csrf,
  }
  apiKey = (await createKey(srv, jwt, { name: 'deep', scopes: ['licenses:write'] })).key
  const s = await seed(srv, { hwid_locked: false, max_uses: 1000 })
  productId = s.product.id
  licenseKey = s.key
})
afterAll(() => srv.stop())

/** `{"a":{"a":…1…}}` nested `n` levels, built as text (JSON.stringify itself would overflow). */
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)
/** `[[…1…]]` nested `n` levels: 2 bytes a level. */
const deepArray = (n: number) => '['.repeat(n) + '1' + ']'.repeat(n)

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(srv.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const licenseCm = (message: RegExp | string) => ({
  success: false,
  error_code: 'VALIDATION_ERROR',
  message: typeof message === 'string' ? message : expect.stringMatching(message),
})

describe('a deeply nested body is a 400 in the protocol’s shape on every surface', () => {
  const surfaces = [
    {
      surface: 'REST (JWT) license metadata',
      send: (n: number) =>
        post('/api/licenses', `{"product_id":"${productId}","metadata":${deepObject(n)}}`, {
          authorization: `Bearer ${jwt}`,
        }),
      refusal: licenseCm(/^body\.metadata\.a\.a: JSON nested more than 64 levels deep$/),
      status: { 5000: 400, 100000: 400 },
    },
    {
      surface: 'REST with Idempotency-Key',
      send: (n: number) =>
        post('/api/licenses', `{"product_id":"${productId}","metadata":${deepObject(n)}}`, {
          authorization: `Bearer ${jwt}`,
          'idempotency-key': `deep-${n}`,
        }),
      refusal: licenseCm(/^body\.metadata\.a\.a: JSON nested/),
      status: { 5000: 400, 100000: 400 },
    },
    {
      surface: 'REST (API key) license metadata',
      send: (n: number) =>
        post('/api/licenses', `{"product_id":"${productId}","metadata":${deepObject(n)}}`, {
          'x-api-key': apiKey,
        }),
      refusal: licenseCm(/^body\.metadata\.a\.a: JSON nested/),
      status: { 5000: 400, 100000: 400 },
    },
    {
      surface: 'console RPC licenses.create',
      send: (n: number) =>
        post(
          '/console/rpc/licenses.create',
          `{"product_id":"${productId}","metadata":${deepObject(n)}}`,
          consoleHeaders,
        ),
      refusal: {
        ok: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: expect.stringMatching(/^body\.metadata\.a\.a: JSON nested/),
        },
      },
      status: { 5000: 400, 100000: 400 },
    },
    {
      surface: 'client API activate client_data (64 KiB body limit: 413 first at 100,000)',
      send: (n: number) =>
        post(
          '/api/client/activate',
          `{"license_key":"${licenseKey}","product_id":"${productId}","hwid":"h-${n}","client_data":{"fingerprint":${deepArray(n)}}}`,
        ),
      refusal: { success: false, error_code: 'VALIDATION_ERROR', message: expect.any(String) },
      status: { 5000: 400, 100000: 413 },
    },
    {
      surface: 'client API license-file hwid (16 KiB body limit: 413 first at 100,000)',
      send: (n: number) =>
        post(
          '/api/client/license-file',
          `{"license_key":"${licenseKey}","product_id":"${productId}","hwid":${deepArray(n)}}`,
        ),
      refusal: { success: false, error_code: 'VALIDATION_ERROR', message: expect.any(String) },
      status: { 5000: 400, 100000: 413 },
    },
    {
      surface: 'REST (JWT) air-gapped license file request',
      send: (n: number) =>
        post('/api/license-files/from-request', `{"request":"x","extra":${deepObject(n)}}`, {
          authorization: `Bearer ${jwt}`,
        }),
      refusal: licenseCm(/^body\.extra\.a\.a: JSON nested more than 64 levels deep$/),
      status: { 5000: 400, 100000: 400 },
    },
    {
      surface: 'SellRealm v0 JSON (64 KiB body limit: 413 first at 100,000)',
      send: (n: number) => post('/api/v0/', `{"type":"login","key":${deepArray(n)}}`),
      refusal: { status: 'error', message: expect.any(String) },
      status: { 5000: 400, 100000: 413 },
    },
    {
      surface: 'DevPayr runtime has-paid',
      send: (n: number) =>
        post('/devpayr/api/v1/project/has-paid', `{"x":${deepArray(n)}}`, {
          'x-license-key': licenseKey,
          'x-devpayr-domain': 'a.example.com',
        }),
      refusal: {
        status: 'error',
        message: expect.stringMatching(/^body\.x\.0\.0.*: JSON nested more than 64 levels deep$/),
        data: null,
        errors: expect.any(Object),
      },
      status: { 5000: 400, 100000: 400 },
    },
    {
      surface: 'DevPayr backend (API key) project',
      send: (n: number) =>
        post('/devpayr/api/v1/project', `{"name":"p","x":${deepObject(n)}}`, {
          'x-api-key': apiKey,
        }),
      refusal: {
        status: 'error',
        message: expect.stringMatching(/^body\.x\.a\.a.*: JSON nested more than 64 levels deep$/),
        data: null,
        errors: expect.any(Object),
      },
      status: { 5000: 400, 100000: 400 },
    },
  ]

  for (const depth of [5000, 100000] as const) {
    it.each(surfaces)(`${depth} levels: $surface`, async ({ send, refusal, status }) => {
      const r = await send(depth)
      expect(r.status).toBe(status[depth])
      expect(r.body).toEqual(refusal)
    })
  }

  it('the client API refuses deep JSON inside an encrypted envelope the same way', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key)
    let nested: unknown = 1
    for (let i = 0; i < 100; i++) nested = [nested]
    await expect(
      c.request('/validate', { license_key: key, hwid: 'h', extra: nested }),
    ).rejects.toThrow('data.extra.0.0: JSON nested more than 64 levels deep')
    expect(c.lastStatus).toBe(400)
  })

  it('SellRealm names the field in its own shape', async () => {
    const r = await post('/api/v0/', `{"type":"login","key":${deepArray(5000)}}`)
    expect(r.body).toEqual({
      status: 'error',
      message: 'body.key.0.0: JSON nested more than 64 levels deep',
    })
  })
})

describe('text holding a NUL (U+0000) is a 400 in the protocol’s shape on every surface and dialect', () => {
  // PostgreSQL's text cannot hold U+0000 and SQLite would store it: refused where it enters.
  const surfaces = [
    {
      surface: 'client API activate hwid',
      send: () =>
        post(
          '/api/client/activate',
          JSON.stringify({ license_key: licenseKey, product_id: productId, hwid: 'pc\u0000x' }),
        ),
      refusal: licenseCm('body.hwid: text may not contain NUL (U+0000)'),
    },
    {
      surface: 'client API license-file hwid',
      send: () =>
        post(
          '/api/client/license-file',
          JSON.stringify({ license_key: licenseKey, product_id: productId, hwid: 'pc\u0000x' }),
        ),
      refusal: licenseCm('body.hwid: text may not contain NUL (U+0000)'),
    },
    {
      surface: 'REST (JWT) license notes',
      send: () =>
        post('/api/licenses', JSON.stringify({ product_id: productId, notes: 'a\u0000b' }), {
          authorization: `Bearer ${jwt}`,
        }),
      refusal: licenseCm('body.notes: text may not contain NUL (U+0000)'),
    },
    {
      surface: 'REST query string',
      send: () =>
        fetch(`${srv.url}/api/licenses?search=a%00b`, {
          headers: { authorization: `Bearer ${jwt}` },
        }).then(async (r) => ({ status: r.status, body: await r.json() })),
      refusal: licenseCm('query.search: text may not contain NUL (U+0000)'),
    },
    {
      surface: 'console RPC licenses.create',
      send: () =>
        post(
          '/console/rpc/licenses.create',
          JSON.stringify({ product_id: productId, notes: 'a\u0000b' }),
          consoleHeaders,
        ),
      refusal: {
        ok: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: 'body.notes: text may not contain NUL (U+0000)',
        },
      },
    },
    {
      surface: 'SellRealm v0 form body',
      send: () =>
        fetch(`${srv.url}/api/v0/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'type=login&key=AB%00CD&hwid=x',
        }).then(async (r) => ({ status: r.status, body: await r.json() })),
      refusal: { status: 'error', message: 'body.key: text may not contain NUL (U+0000)' },
    },
    {
      surface: 'DevPayr runtime has-paid',
      send: () =>
        post('/devpayr/api/v1/project/has-paid', JSON.stringify({ x: 'a\u0000b' }), {
          'x-license-key': licenseKey,
          'x-devpayr-domain': 'a.example.com',
        }),
      refusal: {
        status: 'error',
        message: 'body.x: text may not contain NUL (U+0000)',
        data: null,
        errors: { 'body.x': ['body.x: text may not contain NUL (U+0000)'] },
      },
    },
    {
      surface: 'DevPayr backend domain',
      send: () =>
        post(
          `/devpayr/api/v1/project/${productId}/domains`,
          JSON.stringify({ domain: 'a\u0000.example.com' }),
          { 'x-api-key': apiKey },
        ),
      refusal: {
        status: 'error',
        message: 'body.domain: text may not contain NUL (U+0000)',
        data: null,
        errors: { 'body.domain': ['body.domain: text may not contain NUL (U+0000)'] },
      },
    },
    {
      // GET-only (no body, so no deep JSON): a NUL can only come in a URL segment. Its
      // refusals are HTTP 200 with ret_msg, since its clients read any other status as an outage.
      surface: 'Hi-Rez URL segment',
      send: () =>
        fetch(`${srv.url}/hirez/getlicensejson/1004/sig/SESSION/20261201183005/AB%00CD`).then(
          async (r) => ({ status: r.status, body: await r.json() }),
        ),
      refusal: [{ ret_msg: 'params.key: text may not contain NUL (U+0000)' }],
      status: 200,
    },
  ]
  it.each(surfaces)('$surface', async ({ send, refusal, ...rest }) => {
    const r = await send()
    expect(r.status).toBe('status' in rest ? rest.status : 400)
    expect(r.body).toEqual(refusal)
  })
})

describe('free-form fields are bounded at their schema (32 levels, 16 KiB), naming the field', () => {
  const nested = (n: number) => {
    let v: unknown = 1
    for (let i = 0; i < n; i++) v = { a: v }
    return v
  }

  it.each([
    {
      surface: 'REST (JWT)',
      call: (metadata: unknown) =>
        srv.json('/api/licenses', {
          body: { product_id: productId, metadata },
          headers: { authorization: `Bearer ${jwt}` },
        }),
      depthMessage: 'body.metadata: must not nest objects or arrays more than 32 levels deep',
      sizeMessage: 'body.metadata: must be at most 16384 bytes as JSON',
      pick: (b: { message: string }) => b.message,
      created: 201,
    },
    {
      surface: 'REST (API key)',
      call: (metadata: unknown) =>
        srv.json('/api/licenses', {
          body: { product_id: productId, metadata },
          headers: { 'x-api-key': apiKey },
        }),
      depthMessage: 'body.metadata: must not nest objects or arrays more than 32 levels deep',
      sizeMessage: 'body.metadata: must be at most 16384 bytes as JSON',
      pick: (b: { message: string }) => b.message,
      created: 201,
    },
    {
      surface: 'console RPC',
      call: (metadata: unknown) =>
        srv.json('/console/rpc/licenses.create', {
          body: { product_id: productId, metadata },
          headers: consoleHeaders,
        }),
      depthMessage: 'metadata: must not nest objects or arrays more than 32 levels deep',
      sizeMessage: 'metadata: must be at most 16384 bytes as JSON',
      pick: (b: { error: { issues: { path: string; message: string }[] } }) =>
        `${b.error.issues[0].path}: ${b.error.issues[0].message}`,
      created: 200,
    },
  ])('$surface: metadata 33 levels deep or over 16 KiB → 400; 32 levels is fine', async (t) => {
    const deep = await t.call({ m: nested(32) })
    expect(deep.status).toBe(400)
    expect(t.pick(deep.body)).toBe(t.depthMessage)
    const big = await t.call({ text: 'x'.repeat(16 * 1024) })
    expect(big.status).toBe(400)
    expect(t.pick(big.body)).toBe(t.sizeMessage)
    const fine = await t.call({ m: nested(31) })
    expect(fine.status).toBe(t.created)
    const stored = 'data' in fine.body && fine.body.data
    expect(stored).toMatchObject({ metadata: { m: nested(31) } })
  })

  it('client API: client_data 33 levels deep → 400 naming client_data, and no machine is bound', async () => {
    const { product, license, key } = await seed(srv)
    const r = await srv.json('/api/client/activate', {
      body: {
        license_key: key,
        product_id: product.id,
        hwid: 'h',
        client_data: { fingerprint: nested(32) },
      },
    })
    expect(r.status).toBe(400)
    expect(r.body).toEqual({
      success: false,
      error_code: 'VALIDATION_ERROR',
      message: 'client_data: must not nest objects or arrays more than 32 levels deep',
    })
    const rows = await dbOf(srv.runtime.store).one<{ n: number }>`
      SELECT COUNT(*) AS n FROM machines WHERE license_id = ${license.id}`
    expect(rows!.n).toBe(0)
  })
})

describe('an activation’s answer, rows and event are committed together or not at all', () => {
  const count = async (table: 'machines' | 'sessions', licenseId: string) =>
    (await dbOf(srv.runtime.store).one<{ n: number }>`
      SELECT COUNT(*) AS n FROM ${sql.table(table)} WHERE license_id = ${licenseId}`)!.n

  it('a failure after the machine and session writes leaves no rows, and the client gets a LicenseCM error', async () => {
    const { product, license, key } = await seed(srv)
    // Forced: the activation's event cannot be written (after its machine and session rows).
    const restore = await failEventInserts(
      srv.runtime.store,
      'refuse_activation_event',
      { type: 'license_activation', license_id: license.id },
      'forced failure',
    )
    try {
      const r = await srv.json('/api/client/activate', {
        body: { license_key: key, product_id: product.id, hwid: 'h-fail' },
      })
      expect(r.status).toBe(500)
      expect(r.body).toEqual({
        success: false,
        message: 'Internal server error',
        error_code: 'INTERNAL_ERROR',
      })
      expect({
        machines: await count('machines', license.id),
        sessions: await count('sessions', license.id),
      }).toEqual({ machines: 0, sessions: 0 })
    } finally {
      await restore()
    }
    // Once the fault is gone the same activation succeeds, with all three.
    const ok = await srv.json('/api/client/activate', {
      body: { license_key: key, product_id: product.id, hwid: 'h-fail' },
    })
    expect(ok.status).toBe(200)
    const db = dbOf(srv.runtime.store)
    const session = (await db.one<{ id: string; machine_id: string }>`
      SELECT id, machine_id FROM sessions WHERE license_id = ${license.id}`)!
    const event = await db.all`SELECT machine_id,
        ${jsonText(srv.runtime.store, 'details', 'session_id')} AS session_id FROM events
      WHERE license_id = ${license.id} AND type = 'license_activation'`
    expect(event).toEqual([{ machine_id: session.machine_id, session_id: session.id }])
  })
})
