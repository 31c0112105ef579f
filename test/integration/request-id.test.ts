import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { bodyOf, rawConnect, statusOf } from '../helpers/raw-http'
import { CONSOLE } from '../../src/main/services/context'

/** Issue 17 §1: X-Request-Id on every answer, `request_id` in every error body that allows it. */

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** A real request with any headers (the body's raw text: the test helper's json() strips request_id). */
function send(
  s: TestServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const u = new URL(s.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

const JSON_TYPE = { 'content-type': 'application/json' }
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const SETUP = 'request-id-setup-token'

describe('X-Request-Id', () => {
  let s: TestServer
  let consoleHeaders: Record<string, string>
  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: SETUP } })
    const login = await s.json('/console/login', { body: { token: SETUP } })
    consoleHeaders = {
      ...JSON_TYPE,
      cookie: login.headers.get('set-cookie')!.split(';')[0],
      'x-csrf-token': login.body.data.csrf as string,
    }
  })
  afterAll(() => s.stop())

  // One bad request per surface; `shape` is a key of that protocol's error body.
  const surfaces: {
    name: string
    call: () => Promise<Answer>
    status: number
    shape: string | null
  }[] = [
    {
      name: 'LicenseCM client API (validation error)',
      call: () => send(s, 'POST', '/api/client/validate', JSON_TYPE, '{}'),
      status: 400,
      shape: 'error_code',
    },
    {
      name: 'LicenseCM management (no token)',
      call: () => send(s, 'GET', '/api/licenses'),
      status: 401,
      shape: 'error_code',
    },
    {
      name: 'SellRealm License API v0 (unknown key)',
      call: () => send(s, 'POST', '/api/v0/', FORM, 'type=verify&key=nope&auth_secret=x'),
      status: 400,
      shape: 'status',
    },
    {
      name: 'SellRealm Store API v1 (no store secret)',
      call: () => send(s, 'GET', '/api/v1/products'),
      status: 403,
      shape: 'status',
    },
    {
      name: 'DevPayr (no license)',
      call: () => send(s, 'POST', '/devpayr/api/v1/project/has-paid', JSON_TYPE, '{}'),
      status: 400,
      shape: 'errors',
    },
    {
      name: 'console RPC (unknown channel)',
      call: () => send(s, 'POST', '/console/rpc/no.such.channel', consoleHeaders, '{}'),
      status: 200,
      shape: 'ok',
    },
    {
      name: 'Hi-Rez JSON (bad signature): header only, ret_msg shape is fixed',
      call: () => send(s, 'GET', '/hirez/createsessionjson/1/badsig/20260101000000'),
      status: 200,
      shape: null,
    },
    {
      name: 'Hi-Rez XML: header only',
      call: () => send(s, 'GET', '/hirez/createsessionxml/1/badsig/20260101000000'),
      status: 200,
      shape: null,
    },
    {
      name: 'framework error: malformed JSON',
      call: () => send(s, 'POST', '/api/client/validate', JSON_TYPE, '{"a":'),
      status: 400,
      shape: 'error_code',
    },
    {
      name: 'framework error: body too large (413)',
      call: () =>
        send(
          s,
          'POST',
          '/api/client/validate',
          JSON_TYPE,
          JSON.stringify({ a: 'x'.repeat(2 << 20) }),
        ),
      status: 413,
      shape: 'error_code',
    },
    {
      name: 'unknown route (404)',
      call: () => send(s, 'GET', '/api/no/such/route'),
      status: 404,
      shape: 'error_code',
    },
    {
      name: 'unknown DevPayr route (404)',
      call: () => send(s, 'GET', '/devpayr/api/v1/nothing-here'),
      status: 404,
      shape: 'status',
    },
  ]

  for (const c of surfaces) {
    it(`${c.name}: header present${c.shape ? ', body request_id equals it' : ''}`, async () => {
      const r = await c.call()
      expect(r.status).toBe(c.status)
      const id = r.headers['x-request-id']
      expect(id).toMatch(/^[0-9a-f-]{36}$/)
      if (c.shape === null) {
        expect(r.text).not.toContain(String(id))
        return
      }
      const body = JSON.parse(r.text) as Record<string, unknown>
      expect(body).toHaveProperty(c.shape)
      expect(body.request_id).toBe(id)
    })
  }

  it('malformed HTTP (no request exists yet) is answered with an id too', async () => {
    const c = await rawConnect(s.url)
    c.socket.write('NOT HTTP AT ALL\r\n\r\n')
    const raw = await c.closed
    expect(statusOf(raw)).toBe(400)
    const id = /\r\nX-Request-Id: ([0-9a-f-]{36})\r\n/.exec(raw)?.[1]
    expect(id).toBeDefined()
    expect((bodyOf(raw) as { request_id: string }).request_id).toBe(id)
  })

  it('a success answer carries the header, its body untouched', async () => {
    const r = await send(s, 'GET', '/api/health')
    expect(r.status).toBe(200)
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(JSON.parse(r.text)).not.toHaveProperty('request_id')
  })

  it('a rate-limited 429 carries it (the console login limiter)', async () => {
    let last: Answer | null = null
    for (let i = 0; i < 60 && last?.status !== 429; i++) {
      last = await send(s, 'POST', '/console/login', JSON_TYPE, '{"token":"wrong-token"}')
    }
    expect(last?.status).toBe(429)
    expect(JSON.parse(last!.text).request_id).toBe(last!.headers['x-request-id'])
  })

  it("keeps a loopback caller's sane id, replaces an insane one", async () => {
    const kept = await send(s, 'GET', '/api/no/such', { 'x-request-id': 'trace-01:ab.c_d-9' })
    expect(kept.headers['x-request-id']).toBe('trace-01:ab.c_d-9')
    expect(JSON.parse(kept.text).request_id).toBe('trace-01:ab.c_d-9')
    for (const bad of ['has space', 'x'.repeat(129), 'semi;colon', 'ünïcode']) {
      const r = await send(s, 'GET', '/api/health', {
        'x-request-id': encodeURI(bad) === bad ? bad : 'a/b',
      })
      expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it("keeps a trusted proxy's id, replaces an untrusted forwarder's", async () => {
    // A loopback peer with X-Forwarded-For that is not a trusted proxy: not local, not trusted.
    const untrusted = await send(s, 'GET', '/api/health', {
      'x-forwarded-for': '203.0.113.7',
      'x-request-id': 'forged-id',
    })
    expect(untrusted.headers['x-request-id']).not.toBe('forged-id')
    await s.runtime.services.settings.update(CONSOLE, { trusted_proxies: ['127.0.0.1'] })
    try {
      const proxied = await send(s, 'GET', '/api/health', {
        'x-forwarded-for': '203.0.113.7',
        'x-request-id': 'proxy-chosen-id',
      })
      expect(proxied.headers['x-request-id']).toBe('proxy-chosen-id')
    } finally {
      await s.runtime.services.settings.update(CONSOLE, { trusted_proxies: [] })
    }
  })
})
