import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestFile, seed } from '../helpers/licensecm-client'
import { api, firstAdmin } from '../helpers/mgmt'
import { documentValidators } from '../helpers/openapi-document'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * The LicenseCM management operations' real answers (account secrets, health, the document
 * itself, license files, the security center, stats) against the document's own schema for
 * that operation and status: a field the handler sends but the schema lacks, or one typed
 * wrongly, fails here (on SQLite and PostgreSQL alike).
 */
describe('the management answers match their OpenAPI schemas', () => {
  let s: TestServer
  let admin: ReturnType<typeof api>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: any
  let v: ReturnType<typeof documentValidators>
  beforeAll(async () => {
    s = await startTestServer()
    admin = api(s, (await firstAdmin(s)).token)
    doc = (await s.json('/api/openapi.json')).body
    v = documentValidators(doc)
  })
  afterAll(() => s.stop())

  const seen = new Set<string>()
  /** The answer validated against `operationId`'s schema for the status it came with. */
  async function conforms(
    operationId: string,
    call: Promise<{ status: number; body: unknown }>,
    status = 200,
  ) {
    const r = await call
    expect(r.status, `${operationId}: ${JSON.stringify(r.body)}`).toBe(status)
    const op = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap((item) => Object.values(item))
      .find((o) => o.operationId === operationId) as
      { responses: Record<string, { content: Record<string, { schema: unknown }> }> } | undefined
    expect(op, operationId).toBeDefined()
    expect(Object.keys(op!.responses), operationId).toContain(String(status))
    const schema = op!.responses[status].content['application/json'].schema
    const validate = v.compile(schema)
    expect(v.errorsOf(validate, r.body), `${operationId}: ${JSON.stringify(r.body)}`).toEqual([])
    seen.add(operationId)
    return r.body as { data: Record<string, unknown> } & Record<string, unknown>
  }

  it('account secrets, health and the document itself', async () => {
    await conforms('licensecmGetAccountSecrets', admin.get('/api/account/secrets'))
    await conforms(
      'licensecmPostAccountSecretsRegenerate',
      admin.post('/api/account/secrets/regenerate'),
    )
    const health = await conforms('licensecmGetHealth', s.json('/api/health'))
    expect(health).toMatchObject({ status: 'ok', version: expect.any(String) })
    const self = await conforms('licensecmGetOpenapiJson', s.json('/api/openapi.json'))
    // The serializer keeps the whole generated document, nothing dropped.
    expect(self).toEqual(JSON.parse(JSON.stringify(s.runtime.server!.app.swagger())))
  })

  it('license files: check out (license-wide and bound), list, revoke, from a request', async () => {
    const { license } = await seed(s, { max_uses: 3 })
    const wide = await conforms(
      'licensecmPostLicensesByIdFile',
      admin.post(`/api/licenses/${license.id}/file`, { ttl: 3600 }),
      201,
    )
    expect(wide.data.machine_fingerprint).toBeNull()
    const bound = await conforms(
      'licensecmPostLicensesByIdFile',
      admin.post(`/api/licenses/${license.id}/file`, { fingerprint: 'fp-1', encrypt: true }),
      201,
    )
    expect(bound.data).toMatchObject({ machine_fingerprint: 'fp-1', alg: 'aes-256-gcm+ed25519' })
    const revoked = await conforms(
      'licensecmPostLicensesByIdFilesByFileIdRevoke',
      admin.post(`/api/licenses/${license.id}/files/${wide.data.id}/revoke`, { reason: 'lost' }),
    )
    expect(revoked.data).toMatchObject({ revoked_reason: 'lost', revoked_at: expect.any(String) })
    const air = await conforms(
      'licensecmPostLicenseFilesFromRequest',
      admin.post('/api/license-files/from-request', {
        request: requestFile(license.license_key, 'air-fp'),
      }),
      201,
    )
    expect(air.data).toMatchObject({ license_id: license.id, machine_fingerprint: 'air-fp' })
    const list = await conforms(
      'licensecmGetLicensesByIdFiles',
      admin.get(`/api/licenses/${license.id}/files`),
    )
    expect(list.data.files).toHaveLength(3)
  })

  it('the security center: events, stats, settings, suspending a license', async () => {
    const { license, product } = await seed(s)
    await s.runtime.services.events.record({
      type: 'brute_force',
      severity: 'high',
      productId: product.id,
      licenseId: license.id,
      hwid: 'hw-1',
      ip: '203.0.113.9',
      userAgent: 'test',
      details: { attempts: 20 },
      blocked: true,
    })
    await s.runtime.services.events.record({ type: 'vm_detected' })
    const events = await conforms('licensecmGetSecurityEvents', admin.get('/api/security/events'))
    expect((events.data.events as unknown[]).length).toBeGreaterThanOrEqual(2)
    const stats = await conforms('licensecmGetSecurityStats', admin.get('/api/security/stats'))
    expect(stats.data.overview).toMatchObject({ blocked_attempts: expect.any(Number) })
    const settings = await conforms(
      'licensecmGetSecuritySettings',
      admin.get('/api/security/settings'),
    )
    expect(Object.keys(settings.data).sort()).toEqual([
      'allowlist',
      'brute_force',
      'hwid_spoof',
      'webhooks',
    ])
    const changed = await conforms(
      'licensecmPutSecuritySettings',
      admin.put('/api/security/settings', { allowlist: { ips: ['198.51.100.1'] } }),
    )
    expect(changed.data).toMatchObject({ allowlist: { ips: ['198.51.100.1'], hwids: [] } })
    const suspended = await conforms(
      'licensecmPostSecurityLicensesByIdSuspend',
      admin.post(`/api/security/licenses/${license.id}/suspend`, { reason: 'abuse' }),
    )
    expect(suspended.data).toEqual({ license_id: license.id, sessions_revoked: 0 })
  })

  it('stats: the dashboard with recent activity, one product', async () => {
    const { license, product } = await seed(s)
    await admin.post(`/api/licenses/${license.id}/file`, { fingerprint: 'stats-fp' })
    const dash = await conforms('licensecmGetStatsDashboard', admin.get('/api/stats/dashboard'))
    expect((dash.data.recent_activity as unknown[]).length).toBeGreaterThan(0)
    const one = await conforms(
      'licensecmGetStatsProductsById',
      admin.get(`/api/stats/products/${product.id}`),
    )
    expect(one.data).toMatchObject({ total_licenses: 1, activations_today: 1 })
  })

  it('covered every operation of this file', () => {
    expect([...seen].sort()).toEqual(
      [
        'licensecmGetAccountSecrets',
        'licensecmPostAccountSecretsRegenerate',
        'licensecmGetHealth',
        'licensecmGetOpenapiJson',
        'licensecmGetLicensesByIdFiles',
        'licensecmPostLicensesByIdFile',
        'licensecmPostLicensesByIdFilesByFileIdRevoke',
        'licensecmPostLicenseFilesFromRequest',
        'licensecmGetSecurityEvents',
        'licensecmGetSecurityStats',
        'licensecmGetSecuritySettings',
        'licensecmPutSecuritySettings',
        'licensecmPostSecurityLicensesByIdSuspend',
        'licensecmGetStatsDashboard',
        'licensecmGetStatsProductsById',
      ].sort(),
    )
  })
})
