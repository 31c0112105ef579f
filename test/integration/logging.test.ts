import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { seed } from '../helpers/licensecm-client'
import { createLogger, parseLogLevel } from '../../src/main/http/observability/logging'

/** Issue 17 §1: structured request lines, redaction, 5xx stacks, lifecycle lines. */

/** A pino destination in memory: every line the server writes, parsed. */
function memoryLog() {
  const text: string[] = []
  return {
    destination: { write: (line: string) => void text.push(line) },
    text: () => text.join(''),
    lines: () => text.map((l) => JSON.parse(l) as Record<string, unknown>),
  }
}

const SECRETS = {
  bearer: 'bearer-secret-5f1c0b9a',
  apiKey: 'kw_apikey-secret-77e2d1',
  password: 'password-secret-c0ffee42',
  queryKey: 'query-key-secret-9d8e7f',
  setup: 'setup-secret-31b2a8',
  licenseHeader: 'license-header-secret-4e4e4e',
}

describe('server logs', () => {
  let s: TestServer
  const log = memoryLog()
  beforeAll(async () => {
    // 'trace': the most Fastify and the server ever write; still no secret.
    s = await startTestServer({ log: { logLevel: 'trace', logDestination: log.destination } })
  })
  afterAll(() => s.stop())

  it('writes lifecycle lines: starting, migrations, listening', () => {
    const msgs = log.lines().map((l) => l.msg)
    expect(msgs).toContain('starting')
    // A fresh SQLite file is migrated; a PostgreSQL test database comes migrated (a template).
    expect(msgs.some((m) => m === 'migrations run' || m === 'database schema up to date')).toBe(
      true,
    )
    expect(log.lines().find((l) => l.msg === 'listening')?.url).toBe(s.url)
  })

  it('logs one line per request with method, route pattern, status, ms, request id, client', async () => {
    const r = await s.json('/api/health')
    const line = log.lines().find((l) => l.msg === 'request completed' && l.route === '/api/health')
    expect(line).toMatchObject({
      method: 'GET',
      status: 200,
      client: '127.0.0.1',
      request_id: r.headers.get('x-request-id'),
    })
    expect(typeof line?.ms).toBe('number')
  })

  it('never writes a header secret, a password in the body or a key in the query', async () => {
    const { product } = await seed(s)
    for (const path of [
      `/api/auth/login?key=${SECRETS.queryKey}`,
      `/api/client/validate?license_key=${SECRETS.queryKey}`,
      `/api/v1/products?store_secret=${SECRETS.queryKey}`,
      `/devpayr/api/v1/project/has-paid?license=${SECRETS.queryKey}`,
    ]) {
      await s.json(path, {
        body: {
          email: 'nobody@example.com',
          password: SECRETS.password,
          license_key: SECRETS.queryKey,
          product_id: product.id,
        },
        headers: {
          authorization: `Bearer ${SECRETS.bearer}`,
          'x-api-key': SECRETS.apiKey,
          'x-setup-token': SECRETS.setup,
          'x-license-key': SECRETS.licenseHeader,
          cookie: `kw_console=${SECRETS.bearer}`,
        },
      })
    }
    const text = log.text()
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret)
    const routes = log.lines().map((l) => l.route)
    expect(routes).toContain('/api/auth/login')
    expect(routes).toContain('/api/client/validate')
  })

  it('logs a 5xx with its stack; the client gets the generic message and no stack', async () => {
    const { product, key } = await seed(s)
    const spy = vi
      .spyOn(s.runtime.services.licensing, 'validate')
      .mockRejectedValue(new Error('disk on fire'))
    try {
      const r = await s.json('/api/client/validate', {
        body: {
          license_key: key,
          product_id: product.id,
          hwid: 'machine-1',
          password: SECRETS.password,
        },
      })
      expect(r.status).toBe(500)
      expect(JSON.stringify(r.body)).not.toMatch(/disk on fire|at .*\.ts/)
      const line = log
        .lines()
        .find((l) => (l.err as { message?: string } | undefined)?.message === 'disk on fire')
      expect(line?.level).toBe(50)
      expect(line?.request_id).toBe(r.headers.get('x-request-id'))
      expect((line?.err as { stack: string }).stack).toMatch(/Error: disk on fire\n\s+at /)
      expect(log.text()).not.toContain(SECRETS.password)
    } finally {
      spy.mockRestore()
    }
  })

  it('writes the shutdown lines', async () => {
    const other = memoryLog()
    const t = await startTestServer({
      log: { logLevel: 'info', logDestination: other.destination },
    })
    await t.stop()
    const msgs = other.lines().map((l) => l.msg)
    expect(msgs.slice(-2)).toEqual(['shutting down', 'shut down'])
  })
})

describe('the redaction paths (the safety net under the request line)', () => {
  it('hide secret headers of a logged request and secret-named fields two levels down', () => {
    const log = memoryLog()
    createLogger({ level: 'info', destination: log.destination }).info({
      req: { headers: { authorization: SECRETS.bearer, 'x-api-key': SECRETS.apiKey, host: 'h' } },
      body: { password: SECRETS.password, nested: { license_key: SECRETS.queryKey } },
      token: SECRETS.setup,
    })
    const [line] = log.lines() as [Record<string, any>] // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(line.req.headers).toEqual({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      host: 'h',
    })
    expect(line.body).toEqual({ password: '[redacted]', nested: { license_key: '[redacted]' } })
    expect(line.token).toBe('[redacted]')
  })
})

describe('--log-level / KEYWARDEN_LOG_LEVEL', () => {
  it('takes a pino level in any case, default info, and refuses others naming the choices', () => {
    expect(parseLogLevel(undefined)).toBe('info')
    expect(parseLogLevel('DEBUG')).toBe('debug')
    expect(parseLogLevel('silent')).toBe('silent')
    expect(() => parseLogLevel('loud')).toThrow(
      '--log-level takes one of fatal, error, warn, info, debug, trace, silent (got loud)',
    )
  })
})
