import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { WireClient, seed } from '../helpers/licensecm-client'
import { documentValidators } from '../helpers/openapi-document'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * The LicenseCM client API has no Fastify response schema (hot path): its answers are
 * documented from dto-schemas-client.ts only. Each operation is called here against a real
 * server, plain and encrypted, and every real answer is validated against the document's own
 * schema for that operation, so the document cannot claim a shape the server does not send.
 */
const CLIENT_OPERATIONS = [
  'licensecmGetClientPublicKey',
  'licensecmGetClientRevocations',
  'licensecmPostClientActivate',
  'licensecmPostClientDeactivate',
  'licensecmPostClientHeartbeat',
  'licensecmPostClientLicenseFile',
  'licensecmPostClientValidate',
  'licensecmPostClientVerifyChallenge',
]

let srv: TestServer
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let doc: any
let v: ReturnType<typeof documentValidators>
const checked = new Set<string>()

beforeAll(async () => {
  srv = await startTestServer()
  await srv.runtime.services.security.updateSettings(CONSOLE, {
    brute_force: { max_failures: 10_000 },
  })
  doc = (await srv.json('/api/openapi.json')).body
  v = documentValidators(doc)
})
afterAll(() => srv.stop())

/** The compiled 200 schema the document gives `method path` for `mediaType`. */
function answerSchema(method: string, path: string, mediaType = 'application/json') {
  const op = doc.paths[path][method]
  const schema = op.responses['200'].content[mediaType].schema
  return { id: op.operationId as string, validate: v.compile(schema) }
}

/** Fails with Ajv's own words when `body` is not what the document says `method path` answers. */
function expectDocumented(method: string, path: string, body: unknown, mediaType?: string) {
  const { id, validate } = answerSchema(method, path, mediaType)
  expect(errorsOf(validate, body), `${id}: ${JSON.stringify(body)}`).toEqual([])
  checked.add(id)
}
const errorsOf = (...a: Parameters<typeof v.errorsOf>) => v.errorsOf(...a)

/** Posts through the SDK-like client, then checks the raw answer and, if sealed, its plaintext. */
async function call(c: WireClient, endpoint: string, data: Record<string, unknown>) {
  const answer = await c.request(endpoint, data)
  const raw = c.lastRaw!
  expect(c.lastStatus).toBe(200)
  expect(raw.encrypted === true).toBe(c.useEncryption)
  expectDocumented('post', `/api/client${endpoint}`, raw)
  if (c.useEncryption) expectDocumented('post', `/api/client${endpoint}`, c.decrypt(raw as never))
  return answer
}

describe.each([
  ['plain', false],
  ['encrypted', true],
])('the client API answers as documented (%s requests)', (_mode, encrypted) => {
  it('activate, validate, heartbeat, verify-challenge, license-file, deactivate', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key, encrypted)
    await c.fetchPublicKey()
    const hwid = `machine-${encrypted ? 'e' : 'p'}`
    const activated = await call(c, '/activate', { license_key: key, hwid })
    expect(activated.activated).toBe(true)
    const validated = await call(c, '/validate', { license_key: key, hwid, nonce: 'n-1' })
    expect(validated.valid).toBe(true)
    const beat = await call(c, '/heartbeat', { license_key: key, hwid })
    expect(beat.new_token).toBe(c.sessionToken)
    await c.verifyChallenge(key, hwid, beat.challenge)
    expectDocumented('post', '/api/client/verify-challenge', c.lastRaw)
    if (encrypted) {
      expectDocumented('post', '/api/client/verify-challenge', c.decrypt(c.lastRaw as never))
    }
    // License files are plain JSON only (the answer is itself signed).
    for (const encrypt of [false, true]) {
      const f = await srv.json('/api/client/license-file', {
        body: { license_key: key, product_id: product.id, hwid, encrypt },
      })
      expect(f.status).toBe(200)
      expectDocumented('post', '/api/client/license-file', f.body)
    }
    const gone = await call(c, '/deactivate', { license_key: key, hwid })
    expect(gone.deactivated).toBe(true)
  })
})

describe('the documented answers', () => {
  it('validate and heartbeat in the grace period carry grace_until and the warning', async () => {
    const { product, key } = await seed(
      srv,
      { expires_at: new Date(Date.now() - 60_000).toISOString() },
      { grace_seconds: 7200 },
    )
    const c = new WireClient(srv.url, product.id, product.secret_key, false)
    const a = await call(c, '/activate', { license_key: key, hwid: 'g' })
    expect(a.warning).toBe('LICENSE_IN_GRACE')
    const v = await call(c, '/validate', { license_key: key, hwid: 'g' })
    expect(v.grace_until).toEqual(expect.any(String))
    await call(c, '/heartbeat', { license_key: key, hwid: 'g' })
  })

  it('public key: RSA and Ed25519 as JSON, and the bare PEM', async () => {
    for (const query of ['', '?alg=ed25519']) {
      const r = await srv.json(`/api/client/public-key${query}`)
      expect(r.status).toBe(200)
      expectDocumented('get', '/api/client/public-key', r.body)
      const pem = await fetch(
        `${srv.url}/api/client/public-key${query}${query ? '&' : '?'}format=pem`,
      )
      expect(pem.headers.get('content-type')).toMatch(/^application\/x-pem-file/)
      const text = await pem.text()
      expect(text).toMatch(/^-----BEGIN PUBLIC KEY-----/)
      expectDocumented('get', '/api/client/public-key', text, 'application/x-pem-file')
    }
  })

  it('revocations: the signed list (after a revoked file)', async () => {
    const { product, license, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key, false)
    await call(c, '/activate', { license_key: key, hwid: 'r' })
    const f = await srv.json('/api/client/license-file', {
      body: { license_key: key, product_id: product.id, hwid: 'r' },
    })
    await srv.runtime.services.licenseFiles.revoke(CONSOLE, license.id, f.body.data.id, 'test')
    const r = await srv.json('/api/client/revocations')
    expect(r.status).toBe(200)
    expectDocumented('get', '/api/client/revocations', r.body)
  })

  it('are strict: a wrong field type, a missing or an unknown field is refused', async () => {
    const { product, key } = await seed(srv)
    const c = new WireClient(srv.url, product.id, product.secret_key, false)
    await c.request('/activate', { license_key: key, hwid: 'x' })
    const good = c.lastRaw as { success: true; data: Record<string, unknown> }
    const { validate } = answerSchema('post', '/api/client/activate')
    expect(errorsOf(validate, good)).toEqual([])
    const { signature: _, ...unsigned } = good.data
    for (const bad of [
      { ...good, data: { ...good.data, session: { token: 1, expires_at: 'x' } } },
      { ...good, data: unsigned },
      { ...good, data: { ...good.data, surprise: true } },
      {
        ...good,
        data: { ...good.data, license: { type: 'forever', expires_at: null, metadata: {} } },
      },
    ]) {
      expect(errorsOf(validate, bad), JSON.stringify(bad.data)).not.toEqual([])
    }
  })

  it('cover all eight client operations, each typed (none is only the envelope)', () => {
    expect([...checked].sort()).toEqual(CLIENT_OPERATIONS)
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, never>>)) {
      for (const op of Object.values(item) as { operationId?: string; responses?: never }[]) {
        if (!CLIENT_OPERATIONS.includes(op.operationId ?? '')) continue
        const text = JSON.stringify(op.responses)
        expect(text, path).not.toContain('LicensecmSuccess')
        expect(text, path).toMatch(/#\/components\/schemas\/Client\w+/)
      }
    }
  })
})
