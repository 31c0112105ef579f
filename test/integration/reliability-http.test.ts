import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpServer, type HttpServer } from '../../src/main/http/server'
import { startTestServer, type TestServer } from '../helpers/server'
import { api, firstAdmin } from '../helpers/mgmt'
import { bodyOf, rawConnect, statusOf } from '../helpers/raw-http'

/**
 * Issue 12: signed over-limit bodies (2), timeouts and the connection cap (3), framework
 * errors in each protocol's shape (4), half-closed clients (6). Raw sockets, real server.
 */
let srv: TestServer
let admin: { token: string }
beforeAll(async () => {
  srv = await startTestServer({ console: { setupToken: 'reliability-token' } })
  admin = await firstAdmin(srv)
})
afterAll(() => srv.stop())

const MIB = 1024 * 1024

describe('a signed body over the limit', () => {
  const head = (extra: string) =>
    'POST /api/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
    `X-Signature: 00ff\r\nX-Timestamp: 1\r\n${extra}\r\n`

  it.each([
    ['with a Content-Length over the limit', `Content-Length: ${2 * MIB}\r\n`],
    ['sent chunked, without a Content-Length', 'Transfer-Encoding: chunked\r\n'],
  ])('%s: answers 413 and closes the connection, like an unsigned one', async (_n, extra) => {
    const c = await rawConnect(srv.url)
    c.socket.write(head(extra))
    const chunk = Buffer.alloc(256 * 1024, 'a')
    const chunked = extra.includes('chunked')
    for (let i = 0; i < 8 && c.socket.writable; i++) {
      c.socket.write(chunked ? `${chunk.length.toString(16)}\r\n` : '')
      c.socket.write(chunk)
      if (chunked) c.socket.write('\r\n')
    }
    const raw = await c.closed
    expect(statusOf(raw)).toBe(413)
    expect(raw.toLowerCase()).toContain('connection: close')
    expect(bodyOf(raw)).toEqual({
      success: false,
      message: 'Request body is too large',
      error_code: 'VALIDATION_ERROR',
    })
    // The server ended this connection itself (we never closed ours) and answers new ones.
    expect(c.socket.destroyed || c.socket.readableEnded).toBe(true)
    const health = await srv.json('/api/health')
    expect(health.status).toBe(200)
  })

  it('while held open by its client, does not keep the server from closing', async () => {
    const own = await createHttpServer({ services: srv.runtime.services, port: 0 })
    const c = await rawConnect(own.url)
    c.socket.write(head(`Content-Length: ${2 * MIB}\r\n`))
    c.socket.write(Buffer.alloc(MIB + 10, 'a'))
    const raw = await c.closed
    expect(statusOf(raw)).toBe(413)
    await own.close()
    expect(own.app.server.listening).toBe(false)
  })
})

describe('timeouts and the connection cap', () => {
  let own: HttpServer
  beforeAll(async () => {
    own = await createHttpServer({
      services: srv.runtime.services,
      port: 0,
      limits: { headersTimeoutMs: 150, requestTimeoutMs: 300, keepAliveTimeoutMs: 150 },
    })
  })
  afterAll(() => own.close())

  /** Sends one byte of `text` at a time, every 20 ms, until the server closes the connection. */
  function trickle(c: Awaited<ReturnType<typeof rawConnect>>, text: string) {
    let i = 0
    const timer = setInterval(() => {
      if (c.socket.writable && i < text.length) c.socket.write(text[i++])
    }, 20)
    void c.closed.then(() => clearInterval(timer))
  }

  const timeoutBody = {
    success: false,
    message: 'Request timeout',
    error_code: 'REQUEST_TIMEOUT',
  }

  it('answers 408 and closes a client that trickles its headers', async () => {
    const c = await rawConnect(own.url)
    trickle(c, 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(10_000))
    const raw = await c.closed
    expect(statusOf(raw)).toBe(408)
    expect(bodyOf(raw)).toEqual(timeoutBody)
  })

  it('answers 408 and closes a client that trickles its body', async () => {
    const c = await rawConnect(own.url)
    c.socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n',
    )
    trickle(c, '{"email":"' + 'a'.repeat(9_000))
    const raw = await c.closed
    expect(statusOf(raw)).toBe(408)
    expect(bodyOf(raw)).toEqual(timeoutBody)
  })

  it('closes an idle keep-alive connection after its answer', async () => {
    const c = await rawConnect(own.url)
    c.socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    await c.waitFor('"status":"ok"')
    const raw = await c.closed
    expect(statusOf(raw)).toBe(200)
    expect(raw.toLowerCase()).toContain('connection: keep-alive')
  })

  it('caps connections and requests per connection from the settings, applied without a restart', async () => {
    const capped = await createHttpServer({ services: srv.runtime.services, port: 0 })
    const settings = srv.runtime.services.settings
    await settings.update(
      { kind: 'console' },
      {
        http_max_connections: 2,
        http_max_requests_per_connection: 2,
      },
    )
    try {
      const get = 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
      const a = await rawConnect(capped.url)
      a.socket.write(get)
      await a.waitFor('"status":"ok"')
      const b = await rawConnect(capped.url)
      b.socket.write(get)
      await b.waitFor('"status":"ok"')
      // A third connection while two are open: closed without an answer.
      const c = await rawConnect(capped.url)
      c.socket.write(get)
      expect(await c.closed).toBe('')
      // The second request on a connection is its last: answered with Connection: close.
      a.socket.write(get)
      const raw = await a.waitFor('Connection: close')
      expect(raw.match(/HTTP\/1\.1 200/g)).toHaveLength(2)
      a.socket.destroy()
      b.socket.destroy()
    } finally {
      await settings.update(
        { kind: 'console' },
        {
          http_max_connections: 1024,
          http_max_requests_per_connection: 0,
        },
      )
      await capped.close()
    }
  })

  it('are settings with defaults, refusing values out of range', async () => {
    const got = await api(srv, admin.token).get('/api/admin/settings')
    expect(got.body.data).toMatchObject({
      http_request_timeout_seconds: 30,
      http_headers_timeout_seconds: 10,
      http_keep_alive_timeout_seconds: 10,
      http_max_requests_per_connection: 0,
      http_max_connections: 1024,
    })
    const bad = await api(srv, admin.token).put('/api/admin/settings', { http_max_connections: 0 })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('http_max_connections')
  })
})

describe('framework errors in each protocol shape', () => {
  const licensecm = (status: number, code: string) => ({
    status,
    body: { success: false, error_code: code, message: expect.any(String) },
  })
  const sellrealm = (status: number, message: string) => ({
    status,
    body: { status: 'error', message },
  })
  const console_ = (status: number, code: string) => ({
    status,
    body: { ok: false, error: { code, message: expect.any(String) } },
  })
  const json = { 'content-type': 'application/json' }
  const weird = { 'content-type': 'text/x-weird' }
  const huge = 'x'.repeat(2 * MIB)

  it.each([
    ['LicenseCM bad URL', 'GET', '/api/%0', {}, undefined, licensecm(400, 'VALIDATION_ERROR')],
    [
      'client API bad URL',
      'GET',
      '/api/client/%0',
      {},
      undefined,
      licensecm(400, 'VALIDATION_ERROR'),
    ],
    [
      'outside any protocol, bad URL',
      'GET',
      '/%0',
      {},
      undefined,
      licensecm(400, 'VALIDATION_ERROR'),
    ],
    [
      'SellRealm v0 bad URL',
      'GET',
      '/api/v0/%0',
      {},
      undefined,
      sellrealm(400, 'Invalid request parameters'),
    ],
    [
      'SellRealm v1 bad URL',
      'GET',
      '/api/v1/%0',
      {},
      undefined,
      sellrealm(400, 'Invalid request parameters'),
    ],
    [
      'SellRealm v0 bad JSON',
      'POST',
      '/api/v0/',
      json,
      '{bad',
      sellrealm(400, 'Invalid request parameters'),
    ],
    [
      'SellRealm v0 unknown method',
      'PROPFIND',
      '/api/v0/',
      {},
      undefined,
      sellrealm(404, 'Not found'),
    ],
    [
      'SellRealm v1 unknown method',
      'OPTIONS',
      '/api/v1/orders',
      {},
      undefined,
      sellrealm(404, 'Not found'),
    ],
    [
      'SellRealm v0 over-limit body',
      'POST',
      '/api/v0/',
      json,
      huge,
      sellrealm(413, 'Request body is too large'),
    ],
    ['console bad URL', 'GET', '/console/%0', {}, undefined, console_(400, 'VALIDATION_ERROR')],
    [
      'console RPC bad JSON',
      'POST',
      '/console/rpc/products.list',
      json,
      '{bad',
      console_(400, 'VALIDATION_ERROR'),
    ],
    [
      'console RPC bad content type',
      'POST',
      '/console/rpc/products.list',
      weird,
      'a',
      console_(415, 'VALIDATION_ERROR'),
    ],
    [
      'console login over-limit body',
      'POST',
      '/console/login',
      json,
      huge,
      console_(413, 'VALIDATION_ERROR'),
    ],
    [
      'console unknown route',
      'GET',
      '/console/rpc/products.list',
      {},
      undefined,
      console_(404, 'NOT_FOUND'),
    ],
    [
      'LicenseCM unknown route',
      'PROPFIND',
      '/api/products',
      {},
      undefined,
      licensecm(404, 'NOT_FOUND'),
    ],
    ['health bad JSON', 'POST', '/api/health', json, '{bad', licensecm(400, 'VALIDATION_ERROR')],
  ])('%s', async (_name, method, path, headers, body, expected) => {
    const r = await srv.json(path, { method, headers, body })
    expect({ status: r.status, body: r.body }).toEqual(expected)
    expect(JSON.stringify(r.body)).not.toContain('FST_')
  })
})

describe('a half-closed client', () => {
  it('gets the answer to its complete request, then the server closes', async () => {
    const body = JSON.stringify({ name: 'Half Closed App' })
    const c = await rawConnect(srv.url)
    c.socket.end(
      'POST /api/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${admin.token}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    )
    const raw = await c.closed
    expect(statusOf(raw)).toBe(201)
    const made = bodyOf(raw) as { success: boolean; data: { id: string; name: string } }
    expect(made).toMatchObject({ success: true, data: { name: 'Half Closed App' } })
    const list = await api(srv, admin.token).get('/api/products')
    const named = (list.body.data as { name: string }[]).filter((p) => p.name === 'Half Closed App')
    expect(named).toHaveLength(1)
  })
})
