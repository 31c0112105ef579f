import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'

/** Every src= / href= of a page. */
const references = (html: string) =>
  [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1])

describe('the interactive API reference at /api/docs', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
  })
  afterAll(() => s.stop())

  it('is an HTML page whose scripts and styles are this server’s own files, none from elsewhere', async () => {
    const r = await fetch(`${s.url}/api/docs`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await r.text()
    expect(html).toMatch(/<div id="swagger-ui">/)
    expect(html).not.toMatch(/https?:\/\//)
    const refs = references(html)
    expect(refs.filter((u) => u.endsWith('.js')).length).toBeGreaterThanOrEqual(3)
    expect(refs.filter((u) => u.endsWith('.css')).length).toBeGreaterThanOrEqual(1)
    for (const ref of refs) {
      const url = new URL(ref, r.url)
      expect(url.origin, ref).toBe(new URL(s.url).origin)
      const asset = await fetch(url)
      expect(asset.status, ref).toBe(200)
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(0)
      if (ref.endsWith('.js')) expect(asset.headers.get('content-type')).toMatch(/javascript/)
      if (ref.endsWith('.css')) expect(asset.headers.get('content-type')).toMatch(/text\/css/)
    }
  })

  it('loads the document from this server, without the external validator badge', async () => {
    const init = await (await fetch(`${s.url}/api/docs/static/initializer.js`)).text()
    expect(init).toMatch(/url: '\/api\/openapi\.json'/)
    expect(init).toMatch(/validatorUrl: null/)
    expect(init).not.toMatch(/https?:\/\//)
  })

  it('is covered by the console’s Content-Security-Policy: same-origin scripts, nothing inline needed', async () => {
    const r = await fetch(`${s.url}/api/docs`)
    const csp = r.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/script-src 'self'(;|$)/)
    expect(csp).toMatch(/connect-src 'self'/)
    expect(await r.text()).not.toMatch(/<script>|<script [^>]*>[^<\s]/)
  })

  it('serves only Swagger UI’s files (anything else is a 404 in LicenseCM’s shape)', async () => {
    const r = await s.json('/api/docs/static/..%2F..%2Fpackage.json')
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({ success: false, error_code: 'NOT_FOUND' })
    const other = await s.json('/api/docs/static/oauth2-redirect.html')
    expect(other.status).toBe(404)
  })
})
