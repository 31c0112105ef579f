import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginConsole, startTestServer, type TestServer } from '../helpers/server'
import { seed } from '../helpers/licensecm-client'
import { onPostgres } from '../helpers/store'
import { handleOf } from '../../src/main/db/sqlite/handles'
import { CONSOLE } from '../../src/main/services/context'
import { parseServeOptions } from '../../src/main/serve-options'

/** Issue 17 §2: /api/ready (readiness) and /metrics (Prometheus, off by default). */

/** GET with any headers (fetch will not send every header we need). */
function get(s: TestServer, path: string, headers: Record<string, string> = {}) {
  const u = new URL(s.url)
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

/** Breaks the database under the running server, as a vanished disk or a dead server would. */
async function breakDatabase(s: TestServer): Promise<void> {
  if (onPostgres) await s.runtime.store.db.destroy()
  else handleOf(s.runtime.store.db).close()
}

describe('/api/ready', () => {
  it('is ready on a fresh server, and 503 naming the database once it stops answering', async () => {
    const s = await startTestServer()
    try {
      // The RSA key loads in the background after start: not ready until it has.
      await s.runtime.services.licensing.attestor.ready()
      const ok = await s.json('/api/ready')
      expect(ok.status).toBe(200)
      expect(ok.body).toEqual({
        status: 'ready',
        checks: { database: 'ok', migrations: 'ok', keys: 'ok' },
      })
      // Liveness stays up: the process answers, it just cannot serve.
      await breakDatabase(s)
      const down = await s.json('/api/ready')
      expect(down.status).toBe(503)
      expect(down.body).toEqual({
        status: 'unavailable',
        checks: { database: 'fail', migrations: 'fail', keys: 'ok' },
      })
      expect((await s.json('/api/health')).status).toBe(200)
    } finally {
      await s.stop().catch(() => undefined)
    }
  })
})

describe('/metrics off (the default)', () => {
  it('is a 404', async () => {
    const s = await startTestServer()
    try {
      expect((await get(s, '/metrics')).status).toBe(404)
    } finally {
      await s.stop()
    }
  })
})

describe('/metrics on', () => {
  const TOKEN = 'metrics-scrape-token-0123456789'
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ metrics: { enabled: true, token: TOKEN } })
  })
  afterAll(() => s.stop())

  it('exports every family with its labels and counts after a validation', async () => {
    const { product, key } = await seed(s)
    const body = { license_key: key, product_id: product.id, hwid: 'metrics-machine' }
    expect((await s.json('/api/client/activate', { body })).status).toBe(200)
    expect((await s.json('/api/client/validate', { body })).status).toBe(200)
    const wrong = { ...body, license_key: 'NO-SUCH-KEY' }
    expect((await s.json('/api/client/validate', { body: wrong })).status).toBe(404)

    expect((await get(s, '/api/no/such/route')).status).toBe(404)
    const r = await get(s, '/metrics')
    expect(r.status).toBe(200)
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/)
    const m = r.text
    const req = 'method="POST",route="/api/client/validate",status_class="2xx",protocol="licensecm"'
    expect(m).toContain(`keywarden_http_requests_total{${req}} 1`)
    expect(m).toContain(`keywarden_http_request_duration_seconds_count{${req}} 1`)
    expect(m).toMatch(/keywarden_http_request_duration_seconds_bucket\{le="0.001",method="POST"/)
    expect(m).toContain(
      'keywarden_http_requests_total{method="POST",route="/api/client/validate",status_class="4xx",protocol="licensecm"} 1',
    )
    // An unknown route is counted under one label, never its raw URL.
    expect(m).toContain(
      'keywarden_http_requests_total{method="GET",route="(unmatched)",status_class="4xx",protocol="licensecm"} 1',
    )
    expect(m).not.toContain('/api/no/such/route')
    expect(m).toContain('keywarden_license_validations_total{outcome="valid"} 1')
    expect(m).toContain('keywarden_license_validations_total{outcome="LICENSE_NOT_FOUND"} 1')
    expect(m).toContain('keywarden_active_sessions 1')
    expect(m).toContain('keywarden_webhook_queue_depth 0')
    expect(m).toContain('keywarden_webhook_deliveries_failed 0')
    expect(m).toContain('# TYPE keywarden_webhook_attempt_failures_total counter')
    expect(m).toContain('# TYPE keywarden_group_commit_batch_size histogram')
    expect(m).toMatch(/nodejs_eventloop_lag_seconds \d/)
    if (onPostgres) {
      expect(m).toMatch(/keywarden_pg_pool_connections\{state="total"\} [1-9]/)
      // Waiting counts the scrape's own queries while the pool opens connections for them.
      expect(m).toMatch(/keywarden_pg_pool_connections\{state="idle"\} \d+\n/)
      expect(m).toMatch(/keywarden_pg_pool_connections\{state="waiting"\} \d+\n/)
    } else {
      // The activation's writes went through group commit; the WAL file exists.
      expect(m).toMatch(/keywarden_group_commit_batch_size_count [1-9]/)
      expect(m).toMatch(/keywarden_sqlite_wal_bytes [1-9]/)
    }
  })

  it('refuses a remote caller without the token (401), answers one with it', async () => {
    await s.runtime.services.settings.update(CONSOLE, { trusted_proxies: ['127.0.0.1'] })
    try {
      const remote = { 'x-forwarded-for': '203.0.113.9' }
      const none = await get(s, '/metrics', remote)
      expect(none.status).toBe(401)
      expect(JSON.parse(none.text)).toMatchObject({ success: false, error_code: 'UNAUTHORIZED' })
      const wrong = await get(s, '/metrics', { ...remote, authorization: `Bearer ${TOKEN}x` })
      expect(wrong.status).toBe(401)
      const right = await get(s, '/metrics', { ...remote, authorization: `Bearer ${TOKEN}` })
      expect(right.status).toBe(200)
      expect(right.text).toContain('keywarden_http_requests_total')
    } finally {
      await s.runtime.services.settings.update(CONSOLE, { trusted_proxies: [] })
    }
  })

  it('without a configured token, refuses every remote caller with 403', async () => {
    const t = await startTestServer({ metrics: { enabled: true } })
    try {
      const untrusted = await get(t, '/metrics', { 'x-forwarded-for': '203.0.113.9' })
      expect(untrusted.status).toBe(403)
      expect(JSON.parse(untrusted.text)).toMatchObject({ success: false, error_code: 'FORBIDDEN' })
      expect((await get(t, '/metrics')).status).toBe(200)
    } finally {
      await t.stop()
    }
  })
})

describe('--metrics / KEYWARDEN_METRICS, --metrics-token / KEYWARDEN_METRICS_TOKEN, --log-level', () => {
  const opts = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const parsed = parseServeOptions(argv, env)
    if (parsed.help) throw new Error('unexpected --help')
    return parsed.options
  }
  it('metrics are off by default, on by the flag or KEYWARDEN_METRICS=1; a short token is refused', () => {
    expect(opts([]).metrics).toBe(false)
    expect(opts(['--metrics']).metrics).toBe(true)
    expect(opts([], { KEYWARDEN_METRICS: '1' }).metrics).toBe(true)
    expect(opts([], { KEYWARDEN_METRICS: '0' }).metrics).toBe(false)
    expect(() => opts([], { KEYWARDEN_METRICS: 'maybe' })).toThrow('KEYWARDEN_METRICS')
    const token = 'a-scrape-token-of-32-characters!'
    expect(opts(['--metrics'], { KEYWARDEN_METRICS_TOKEN: token })['metrics-token']).toBe(token)
    expect(() => opts(['--metrics-token', 'short'])).toThrow('at least 16 characters')
  })
  it('the log level is one of pino\'s, any case, from the flag or KEYWARDEN_LOG_LEVEL', () => {
    expect(opts([])['log-level']).toBeUndefined()
    expect(opts(['--log-level', 'DEBUG'])['log-level']).toBe('debug')
    expect(opts([], { KEYWARDEN_LOG_LEVEL: 'warn' })['log-level']).toBe('warn')
    expect(() => opts(['--log-level', 'loud'])).toThrow('--log-level / KEYWARDEN_LOG_LEVEL takes one of')
  })
})

describe('the log folder in Settings → About (headless)', () => {
  it('system.info says logs go to standard output; system.openLogFolder is refused', async () => {
    const s = await startTestServer({ console: { setupToken: 'ops-log-folder-token' } })
    try {
      const rpc = await loginConsole(s, 'ops-log-folder-token')
      const info = await rpc('system.info', {})
      expect(info.body.data.log_dir).toBeNull()
      const open = await rpc('system.openLogFolder', {})
      expect(open.status).toBe(403)
      expect(open.body).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'The log folder exists only in the desktop app' },
      })
    } finally {
      await s.stop()
    }
  })
})
