import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'

// The policy the console's own page declares: the header must be the same, or it would
// block what the built console loads.
const rendererHtml = readFileSync(join(__dirname, '../../src/renderer/index.html'), 'utf8')
const directives = (policy: string | null) => (policy ?? '').split(';').map((d) => d.trim())
const pageCsp = directives(
  /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(rendererHtml)![1],
)

describe('security headers on every surface', () => {
  let s: TestServer
  beforeAll(async () => {
    const staticDir = mkdtempSync(join(tmpdir(), 'kw-console-'))
    writeFileSync(join(staticDir, 'index.html'), rendererHtml)
    s = await startTestServer({ console: { setupToken: 'setup-token-for-tests', staticDir } })
  })
  afterAll(() => s.stop())

  it.each([
    ['the health check', 'GET', '/api/health', undefined, 200],
    ['the management API (no token)', 'GET', '/api/auth/me', undefined, 401],
    ['an unknown route', 'GET', '/api/nope', undefined, 404],
    ['the built web console', 'GET', '/console/', undefined, 200],
  ])('%s answers with them', async (_name, method, path, body, status) => {
    const r = await s.json(path, { method, body })
    expect(r.status).toBe(status)
    expect({
      csp: directives(r.headers.get('content-security-policy')),
      nosniff: r.headers.get('x-content-type-options'),
      frame: r.headers.get('x-frame-options'),
      referrer: r.headers.get('referrer-policy'),
      hsts: r.headers.get('strict-transport-security'),
    }).toEqual({
      csp: pageCsp,
      nosniff: 'nosniff',
      frame: 'DENY',
      referrer: 'no-referrer',
      hsts: null,
    })
  })

  it('keeps the console page and the client answers as they were', async () => {
    const page = await fetch(`${s.url}/console/`)
    expect(await page.text()).toBe(rendererHtml)
    const client = await s.json('/api/client/validate', { body: {} })
    expect(client.body).toMatchObject({ success: false })
    const sellrealm = await fetch(`${s.url}/api/v0/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'type=check_key',
    })
    expect(sellrealm.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it.each([
    ['the LicenseCM client API', '/api/client/validate', { body: {} }],
    ['SellRealm v0', '/api/v0/', { body: 'type=check_key', form: true }],
    ['SellRealm v1', '/api/v1/products', {}],
  ])('%s, which apps call and no browser renders, goes without them', async (_name, path, o) => {
    const r = await fetch(`${s.url}${path}`, {
      method: 'body' in o ? 'POST' : 'GET',
      headers:
        'form' in o
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : 'body' in o
            ? { 'content-type': 'application/json' }
            : {},
      body: 'body' in o ? ('form' in o ? String(o.body) : JSON.stringify(o.body)) : undefined,
    })
    expect(r.headers.get('content-type')).toMatch(/^application\/json/)
    expect(r.headers.get('content-security-policy')).toBeNull()
    expect(r.headers.get('x-frame-options')).toBeNull()
  })
})
