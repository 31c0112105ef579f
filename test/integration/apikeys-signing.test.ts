import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/server'
import { firstAdmin } from '../helpers/mgmt'
import { createKey, keyed, now, sign, type CreatedKey } from '../helpers/apikeys'
import { signingExample } from '@shared/apikeys'

const hasPython = spawnSync('python3', ['--version']).status === 0
const hasShellTools = ['openssl', 'curl'].every(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0,
)

// The reference's Python example, computing the signature for the request we then send.
const python = `
import hmac, hashlib, base64, sys
api_secret, method, path, timestamp, body = sys.argv[1:6]
string_to_sign = f"{method}\\n{path}\\n{timestamp}\\n{body}"
print(base64.b64encode(hmac.new(api_secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).digest()).decode('utf-8'))
`

describe('signed requests (require_signature keys)', () => {
  let s: TestServer
  let jwt: string
  let k: CreatedKey
  beforeAll(async () => {
    s = await startTestServer()
    jwt = (await firstAdmin(s)).token
    k = await createKey(s, jwt, { name: 'signed', scopes: ['admin'], require_signature: true })
  })
  afterAll(() => s.stop())

  const body = { name: 'child', scopes: ['licenses:read'] }

  it('lets GETs outside /api/admin and /api/security through unsigned', async () => {
    expect((await keyed(s, k.key, 'GET', '/api/api-keys')).status).toBe(200)
  })

  it('403 without X-Timestamp/X-Signature on a creating request', async () => {
    const r = await keyed(s, k.key, 'POST', '/api/api-keys', { body })
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({ success: false, error_code: 'FORBIDDEN' })
    expect(r.body.message).toMatch(/X-Timestamp and X-Signature/)
  })

  it('accepts a correct signature over METHOD, PATH, TIMESTAMP and the raw BODY', async () => {
    const r = await keyed(s, k.key, 'POST', '/api/api-keys', { body, signWith: k.secret })
    expect(r.status).toBe(201)
  })

  it.runIf(hasPython || process.env.CI === 'true')(
    "accepts the signature computed by the reference's Python snippet",
    async () => {
      const ts = now()
      const raw = '{"name": "from python", "scopes": ["licenses:read"]}' // spacing as Python's json.dumps writes it
      const sig = execFileSync('python3', [
        '-c',
        python,
        k.secret,
        'POST',
        '/api/api-keys',
        ts,
        raw,
      ])
        .toString()
        .trim()
      expect(sig).toBe(sign(k.secret, 'POST', '/api/api-keys', ts, raw))
      const r = await s.json('/api/api-keys', {
        method: 'POST',
        body: raw,
        headers: { 'x-api-key': k.key, 'x-timestamp': ts, 'x-signature': sig },
      })
      expect(r.status).toBe(201)
      expect(r.body.data.name).toBe('from python')
    },
  )

  it('403 "Invalid request signature" for a wrong secret, a changed body or a changed path', async () => {
    const wrong = await keyed(s, k.key, 'POST', '/api/api-keys', {
      body,
      signWith: 'not-the-secret',
    })
    expect(wrong.status).toBe(403)
    expect(wrong.body.message).toBe('Invalid request signature')

    const ts = now()
    const signed = sign(k.secret, 'POST', '/api/api-keys', ts, JSON.stringify(body))
    const tampered = await s.json('/api/api-keys', {
      method: 'POST',
      body: JSON.stringify({ ...body, scopes: ['admin'] }),
      headers: { 'x-api-key': k.key, 'x-timestamp': ts, 'x-signature': signed },
    })
    expect(tampered.status).toBe(403)
    expect(tampered.body.message).toBe('Invalid request signature')
  })

  it('signs the path as sent, query string included', async () => {
    const victim = await createKey(s, jwt, { name: 'victim', scopes: ['licenses:read'] })
    const path = `/api/api-keys/${victim.id}?reason=rotation`
    const ts = now()
    const withoutQuery = sign(k.secret, 'DELETE', `/api/api-keys/${victim.id}`, ts, '')
    const bad = await s.json(path, {
      method: 'DELETE',
      headers: { 'x-api-key': k.key, 'x-timestamp': ts, 'x-signature': withoutQuery },
    })
    expect(bad.status).toBe(403)
    const good = await keyed(s, k.key, 'DELETE', path, { signWith: k.secret })
    expect(good.status).toBe(200)
    expect(good.body.data.revoked_at).not.toBeNull()
  })

  it('403 for a timestamp outside ±300 s, and for one that is not Unix seconds', async () => {
    const old = String(Math.floor(Date.now() / 1000) - 301)
    const stale = await keyed(s, k.key, 'POST', '/api/api-keys', {
      body,
      signWith: k.secret,
      ts: old,
    })
    expect(stale.status).toBe(403)
    expect(stale.body.message).toMatch(/outside the allowed window of ±300 s/)
    const future = String(Math.floor(Date.now() / 1000) + 400)
    expect(
      (await keyed(s, k.key, 'POST', '/api/api-keys', { body, signWith: k.secret, ts: future }))
        .status,
    ).toBe(403)
    const ms = await keyed(s, k.key, 'POST', '/api/api-keys', {
      body,
      signWith: k.secret,
      ts: String(Date.now()),
    })
    expect(ms.status).toBe(403)
  })

  it('403 for a replayed signature, even on the same valid request', async () => {
    const ts = now()
    const raw = JSON.stringify({ name: 'once', scopes: ['licenses:read'] })
    const headers = {
      'x-api-key': k.key,
      'x-timestamp': ts,
      'x-signature': sign(k.secret, 'POST', '/api/api-keys', ts, raw),
    }
    const first = await s.json('/api/api-keys', { method: 'POST', body: raw, headers })
    expect(first.status).toBe(201)
    const again = await s.json('/api/api-keys', { method: 'POST', body: raw, headers })
    expect(again.status).toBe(403)
    expect(again.body.message).toMatch(/already used/)
    const logged = await s.runtime.store.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'replay_attack')
      .execute()
    expect(logged.map((e) => JSON.parse(e.details).kind)).toContain('api_signature')
    expect(logged[0].ip).toBe('127.0.0.1')
  })

  it('requires a signature on GETs under /api/admin and /api/security', async () => {
    for (const path of ['/api/admin/settings', '/api/security/stats']) {
      const r = await keyed(s, k.key, 'GET', path)
      expect(r.status, path).toBe(403)
      expect(r.body.message).toMatch(/X-Signature/)
      expect((await keyed(s, k.key, 'GET', path, { signWith: k.secret })).status, path).toBe(200)
    }
  })

  it.runIf(hasShellTools || process.env.CI === 'true')(
    "the console's signing example (bash + openssl + curl) is accepted",
    async () => {
      const body = JSON.stringify({ name: "it's from curl", scopes: ['licenses:read'] })
      const ex = signingExample({
        baseUrl: s.url,
        key: k.key,
        secret: k.secret,
        method: 'POST',
        path: '/api/api-keys?src=console',
        body,
        timestamp: now(),
      })
      expect(ex.stringToSign).toBe(
        `POST\n/api/api-keys?src=console\n${ex.stringToSign.split('\n')[2]}\n${body}`,
      )
      // Asynchronously: the server answering curl runs in this very process.
      const run = promisify(execFile)
      const { stdout } = await run('bash', ['-c', ex.curl + ' --max-time 10 -w "\n%{http_code}"'])
      const out = stdout.trim().split('\n')
      expect(out.at(-1)).toBe('201')
      expect(JSON.parse(out.slice(0, -1).join('\n')).data.name).toBe("it's from curl")
      // Without the secret, the example says where it goes instead of inventing one.
      expect(
        signingExample({
          baseUrl: s.url,
          key: k.prefix,
          method: 'GET',
          path: '/api/licenses',
          body: '',
          timestamp: '1',
        }).curl,
      ).toContain('<the secret shown when the key was created>')
    },
  )

  it('keeps the body limit and JSON errors for signed requests (raw body is buffered first)', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), scopes: ['admin'] })
    const tooBig = await keyed(s, k.key, 'POST', '/api/api-keys', { body: big, signWith: k.secret })
    expect(tooBig.status).toBe(413)
    const broken = await keyed(s, k.key, 'POST', '/api/api-keys', {
      body: '{"name":',
      signWith: k.secret,
    })
    expect(broken.status).toBe(400)
    expect(broken.body.message).toMatch(/Malformed JSON/)
  })

  it('does not ask keys without require_signature to sign', async () => {
    const plain = await createKey(s, jwt, { name: 'plain', scopes: ['admin'] })
    expect((await keyed(s, plain.key, 'POST', '/api/api-keys', { body })).status).toBe(201)
  })
})
