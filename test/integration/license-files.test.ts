import { createDecipheriv, createHash, createPublicKey, verify } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE } from '../../src/main/services/context'
import { startRuntime } from '../../src/main/runtime'
import { restoreInstallation } from '../../src/main/services/backup/keys'
import { requestFile, seed } from '../helpers/licensecm-client'
import { api, firstAdmin } from '../helpers/mgmt'
import { createKey } from '../helpers/apikeys'
import { onPostgres } from '../helpers/store'
import { seedServerKey, startTestServer, type TestServer } from '../helpers/server'

let srv: TestServer
let admin: ReturnType<typeof api>
let adminJwt: string
let now = Date.now()
const clock = () => new Date(now)

beforeAll(async () => {
  srv = await startTestServer({ clock })
  adminJwt = (await firstAdmin(srv)).token
  admin = api(srv, adminJwt)
  await srv.runtime.services.security.updateSettings(CONSOLE, {
    brute_force: { max_failures: 10_000 },
  })
})
afterAll(async () => {
  await srv.stop()
})

/** The few lines of node:crypto the README shows: parse, verify, decode. */
function certOf(file: string): { enc: string; sig: string; alg: string } {
  const body = file
    .replace('-----BEGIN LICENSE FILE-----', '')
    .replace('-----END LICENSE FILE-----', '')
    .replace(/\s+/g, '')
  return JSON.parse(Buffer.from(body, 'base64').toString('utf8'))
}
function verifies(cert: { enc: string; sig: string }, pem: string): boolean {
  try {
    return verify(
      null,
      Buffer.from(`license/${cert.enc}`),
      createPublicKey(pem),
      Buffer.from(cert.sig, 'base64'),
    )
  } catch {
    return false
  }
}
/** A verifying app's whole check: armour, signature, algorithm, expiry at `at`. */
function accept(file: string, pem: string, at = now): Record<string, unknown> {
  let cert: { enc: string; sig: string; alg: string }
  try {
    cert = certOf(file)
  } catch {
    throw new Error('not a license file')
  }
  if (typeof cert.enc !== 'string' || typeof cert.sig !== 'string') throw new Error('malformed')
  // Strict base64: a changed padding character decodes to the same bytes, so refuse it as such.
  if (Buffer.from(cert.sig, 'base64').toString('base64') !== cert.sig) throw new Error('malformed')
  if (!verifies(cert, pem)) throw new Error('signature')
  if (cert.alg !== 'base64+ed25519') throw new Error('alg')
  const payload = JSON.parse(Buffer.from(cert.enc, 'base64').toString('utf8'))
  if (Date.parse(payload.expiry) <= at) throw new Error('expired')
  return payload
}
function decrypt(enc: string, secret: string): Record<string, unknown> {
  const [ct, iv, tag] = enc.split('.').map((p) => Buffer.from(p, 'base64'))
  const key = createHash('sha256').update(secret).digest()
  const d = createDecipheriv('aes-256-gcm', key, iv)
  d.setAuthTag(tag)
  return JSON.parse(Buffer.concat([d.update(ct), d.final()]).toString('utf8'))
}

async function edPem(): Promise<string> {
  const r = await srv.json('/api/client/public-key?alg=ed25519')
  expect(r.status).toBe(200)
  expect(r.body.data.algorithm).toBe('Ed25519')
  return r.body.data.public_key
}

describe('the Ed25519 key', () => {
  it('lives in keys/ (0600, folder 0700), is served as PEM beside the RSA key and on the server card', async () => {
    const pem = await edPem()
    expect(createPublicKey(pem).asymmetricKeyType).toBe('ed25519')
    const bare = await fetch(`${srv.url}/api/client/public-key?alg=ed25519&format=pem`)
    expect(bare.headers.get('content-type')).toMatch(/application\/x-pem-file/)
    expect(await bare.text()).toBe(pem)
    const rsa = await srv.json('/api/client/public-key')
    expect(rsa.body.data).toMatchObject({ algorithm: 'RSA-SHA512', key_size: 4096 })
    const priv = join(srv.dataDir, 'keys', 'ed25519-private.pem')
    expect(statSync(priv).mode & 0o777).toBe(0o600)
    expect(statSync(join(srv.dataDir, 'keys')).mode & 0o777).toBe(0o700)
    expect(srv.runtime.status().ed25519_public_key).toBe(pem)
    const bad = await srv.json('/api/client/public-key?alg=dsa')
    expect(bad.status).toBe(400)
    expect(bad.body.error_code).toBe('VALIDATION_ERROR')
  })
})

describe('check-out on the management API', () => {
  it('round trip: issue, verify with node:crypto against the PEM, every field of the payload', async () => {
    const { product, license, key } = await seed(srv, { max_uses: 2 })
    const r = await admin.post(`/api/licenses/${license.id}/file`, { ttl: 7200 })
    expect(r.status).toBe(201)
    const f = r.body.data
    expect(f.file).toMatch(
      /^-----BEGIN LICENSE FILE-----\n[A-Za-z0-9+/=\n]+\n-----END LICENSE FILE-----\n$/,
    )
    expect(f.alg).toBe('base64+ed25519')
    const payload = accept(f.file, await edPem())
    expect(payload).toEqual({
      id: f.id,
      license: {
        id: license.id,
        product_id: product.id,
        key_sha256: createHash('sha256').update(key).digest('hex'),
        type: 'subscription',
        status: 'active',
        level: license.level,
        max_uses: 2,
        hwid_locked: true,
        expires_at: license.expires_at,
        metadata: { plan: 'pro' },
      },
      machine: null,
      entitlements: [],
      issued: new Date(now).toISOString(),
      expiry: new Date(now + 7200_000).toISOString(),
      ttl: 7200,
    })
    const list = await admin.get(`/api/licenses/${license.id}/files`)
    expect(list.body.data.files).toMatchObject([
      { id: f.id, source: 'api', alg: 'base64+ed25519', revoked_at: null },
    ])
  })

  it('tampering with any byte of the certificate is refused', async () => {
    const { license } = await seed(srv)
    const f = (await admin.post(`/api/licenses/${license.id}/file`, {})).body.data.file as string
    const pem = await edPem()
    const json = Buffer.from(f.split('\n').slice(1, -2).join(''), 'base64').toString('utf8')
    let refused = 0
    for (let i = 0; i < json.length; i++) {
      const c = json[i]
      const other = c === 'A' ? 'B' : c === '"' ? "'" : 'A'
      const forged = json.slice(0, i) + other + json.slice(i + 1)
      const text = `-----BEGIN LICENSE FILE-----\n${Buffer.from(forged).toString('base64')}\n-----END LICENSE FILE-----\n`
      expect(() => accept(text, pem), `byte ${i} (${c})`).toThrow()
      refused++
    }
    expect(refused).toBe(json.length)
  })

  it('a file past its expiry is refused; it never outlives its license', async () => {
    const { license } = await seed(srv, { expires_at: new Date(now + 5 * 3600_000).toISOString() })
    const f = (await admin.post(`/api/licenses/${license.id}/file`, {})).body.data
    expect(f.expires_at).toBe(license.expires_at) // 30-day TTL capped by the license
    const pem = await edPem()
    expect(accept(f.file, pem)).toMatchObject({ ttl: 30 * 86_400 })
    expect(() => accept(f.file, pem, now + 5 * 3600_000)).toThrow('expired')
  })

  it("refuses an inactive license in the engine's words, and a bad ttl", async () => {
    const { license } = await seed(srv)
    const ban = await admin.post(`/api/licenses/${license.id}/ban`, { reason: 'chargeback' })
    expect(ban.status).toBe(200)
    const r = await admin.post(`/api/licenses/${license.id}/file`, {})
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({ success: false, error_code: 'LICENSE_BANNED' })
    const { license: ok } = await seed(srv)
    const t = await admin.post(`/api/licenses/${ok.id}/file`, { ttl: 60 })
    expect(t.status).toBe(400)
    expect(t.body.error_code).toBe('VALIDATION_ERROR')
    expect(t.body.message).toMatch(/ttl/)
    const missing = await admin.post('/api/licenses/nope/file', {})
    expect(missing.status).toBe(404)
    expect(missing.body.error_code).toBe('LICENSE_NOT_FOUND')
  })

  it('an encrypted machine file opens only with the right license key and fingerprint', async () => {
    const { license, key } = await seed(srv)
    const r = await admin.post(`/api/licenses/${license.id}/file`, {
      fingerprint: 'fp-enc-1',
      encrypt: true,
    })
    expect(r.status).toBe(201)
    const cert = certOf(r.body.data.file)
    expect(cert.alg).toBe('aes-256-gcm+ed25519')
    expect(cert.enc.split('.')).toHaveLength(3)
    expect(verifies(cert, await edPem())).toBe(true)
    const payload = decrypt(cert.enc, key + 'fp-enc-1')
    expect(payload).toMatchObject({
      license: { id: license.id },
      machine: { fingerprint: 'fp-enc-1' },
    })
    expect(() => decrypt(cert.enc, key + 'fp-other')).toThrow()
    expect(() => decrypt(cert.enc, 'WRONG-KEY' + 'fp-enc-1')).toThrow()
    expect(() => decrypt(cert.enc, key)).toThrow()
    // Binding the fingerprint activated that machine through the engine.
    const machines = await srv.runtime.services.licenseMachines.list(CONSOLE, license.id)
    expect(machines.map((m) => m.hwid)).toEqual(['fp-enc-1'])
  })

  it("a product-bound API key reaches only its product's licenses", async () => {
    const a = await seed(srv)
    const b = await seed(srv)
    const k = await createKey(srv, adminJwt, {
      name: 'files',
      scopes: ['licenses:read', 'licenses:write'],
      product_id: a.product.id,
    })
    const h = { 'x-api-key': k.key }
    const mine = await srv.json(`/api/licenses/${a.license.id}/file`, { body: {}, headers: h })
    expect(mine.status).toBe(201)
    const other = await srv.json(`/api/licenses/${b.license.id}/file`, { body: {}, headers: h })
    expect(other.status).toBe(404)
    expect(other.body.error_code).toBe('LICENSE_NOT_FOUND')
  })
})

describe('revocation list', () => {
  it('lists revoked files and files of banned, suspended and deleted licenses, signed under its own prefix', async () => {
    const revokedFile = await seed(srv)
    const banned = await seed(srv)
    const suspended = await seed(srv)
    const deleted = await seed(srv)
    const fine = await seed(srv)
    const files: Record<string, string> = {}
    for (const [name, s] of Object.entries({ revokedFile, banned, suspended, deleted, fine })) {
      files[name] = (await admin.post(`/api/licenses/${s.license.id}/file`, {})).body.data.id
    }
    const rv = await admin.post(
      `/api/licenses/${revokedFile.license.id}/files/${files.revokedFile}/revoke`,
      { reason: 'refund' },
    )
    expect(rv.status).toBe(200)
    expect(rv.body.data).toMatchObject({ id: files.revokedFile, revoked_reason: 'refund' })
    await admin.post(`/api/licenses/${banned.license.id}/ban`, { reason: 'abuse' })
    await admin.put(`/api/licenses/${suspended.license.id}`, { status: 'suspended' })
    await admin.del(`/api/licenses/${deleted.license.id}`)

    const r = await srv.json('/api/client/revocations')
    expect(r.status).toBe(200)
    const doc = r.body.data as { enc: string; sig: string; alg: string }
    expect(doc.alg).toBe('base64+ed25519')
    const pem = await edPem()
    expect(
      verify(
        null,
        Buffer.from(`revocations/${doc.enc}`),
        createPublicKey(pem),
        Buffer.from(doc.sig, 'base64'),
      ),
    ).toBe(true)
    // A list is no license file: its signature does not verify under the file prefix.
    expect(verifies(doc, pem)).toBe(false)
    const list = JSON.parse(Buffer.from(doc.enc, 'base64').toString('utf8'))
    expect(list).toMatchObject({
      format: 'keywarden-revocations/1',
      issued: new Date(now).toISOString(),
      sequence: now,
      valid_until: new Date(now + 86_400_000).toISOString(),
    })
    expect(list.files).toEqual([
      expect.objectContaining({
        id: files.revokedFile,
        license_id: revokedFile.license.id,
        reason: 'refund',
      }),
    ])
    const byId = Object.fromEntries(
      (list.licenses as { id: string; status: string }[]).map((l) => [l.id, l.status]),
    )
    expect(byId[banned.license.id]).toBe('banned')
    expect(byId[suspended.license.id]).toBe('suspended')
    expect(byId[deleted.license.id]).toBe('deleted')
    expect(byId[fine.license.id]).toBeUndefined()
    expect(byId[revokedFile.license.id]).toBeUndefined()
    // Revoking twice keeps the first revocation; another license's file reads as absent.
    const again = await admin.post(
      `/api/licenses/${revokedFile.license.id}/files/${files.revokedFile}/revoke`,
      { reason: 'other' },
    )
    expect(again.body.data.revoked_reason).toBe('refund')
    const wrong = await admin.post(
      `/api/licenses/${fine.license.id}/files/${files.revokedFile}/revoke`,
      {},
    )
    expect(wrong.status).toBe(404)
    expect(wrong.body.error_code).toBe('NOT_FOUND')
  })
})

/** The request file an app writes for air-gapped activation (README: License files). */
describe('air-gapped activation', () => {
  it('request file in, machine-bound encrypted file out, the machine counted against the license', async () => {
    const { license, key } = await seed(srv, { max_uses: 1 })
    const r = await admin.post('/api/license-files/from-request', {
      request: requestFile(key, 'air-fp-1'),
      encrypt: true,
    })
    expect(r.status).toBe(201)
    expect(r.body.data).toMatchObject({ license_id: license.id, machine_fingerprint: 'air-fp-1' })
    const cert = certOf(r.body.data.file)
    expect(verifies(cert, await edPem())).toBe(true)
    expect(decrypt(cert.enc, key + 'air-fp-1')).toMatchObject({
      machine: { fingerprint: 'air-fp-1' },
      license: { id: license.id },
    })
    const files = await admin.get(`/api/licenses/${license.id}/files`)
    expect(files.body.data.files[0]).toMatchObject({
      source: 'request',
      machine_fingerprint: 'air-fp-1',
    })
    // The same machine again is fine (a renewal); a second machine on a full license is not.
    const renew = await admin.post('/api/license-files/from-request', {
      request: requestFile(key, 'air-fp-1'),
    })
    expect(renew.status).toBe(201)
    const second = await admin.post('/api/license-files/from-request', {
      request: requestFile(key, 'air-fp-2'),
    })
    expect(second.status).toBe(403)
    expect(second.body.error_code).toBe('HWID_MISMATCH')
  })

  it('refuses what is not a request, and an unknown key', async () => {
    const junk = await admin.post('/api/license-files/from-request', { request: 'hello' })
    expect(junk.status).toBe(400)
    expect(junk.body).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      message: 'request: is not a license request file',
    })
    const noFp = await admin.post('/api/license-files/from-request', {
      request: JSON.stringify({ format: 'keywarden-license-request/1', license_key: 'K' }),
    })
    expect(noFp.body.message).toBe('request: fingerprint is missing')
    const unknown = await admin.post('/api/license-files/from-request', {
      request: requestFile('NOPE-NOPE', 'fp'),
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error_code).toBe('LICENSE_NOT_FOUND')
  })

  it('the console turns a pasted request into a file too', async () => {
    const { license, key } = await seed(srv)
    const f = await srv.runtime.handlers['licenseFiles.fromRequest'](
      { request: requestFile(key, 'console-fp') },
      { actor: CONSOLE },
    )
    expect(f).toMatchObject({ license_id: license.id, machine_fingerprint: 'console-fp' })
    now += 1000 // the list is newest first
    const issued = await srv.runtime.handlers['licenseFiles.issue'](
      { id: license.id },
      { actor: CONSOLE },
    )
    expect(accept(issued.file, await edPem())).toMatchObject({ license: { id: license.id } })
    const list = await srv.runtime.handlers['licenseFiles.list'](
      { id: license.id },
      { actor: CONSOLE },
    )
    expect(list.map((x) => x.source)).toEqual(['console', 'request'])
  })
})

describe('client check-out (license key + machine)', () => {
  const post = (body: unknown) => srv.json('/api/client/license-file', { body })

  it("an activated machine gets its file; refusals read exactly as validate's", async () => {
    const { product, license, key } = await seed(srv, { max_uses: 1 })
    const base = { license_key: key, product_id: product.id, hwid: 'cl-1' }
    const before = await post(base)
    expect(before.status).toBe(400)
    expect(before.body).toMatchObject({
      success: false,
      error_code: 'VALIDATION_ERROR',
      message:
        'hwid: this machine is not activated; activate it before checking out a license file',
    })
    const act = await srv.json('/api/client/activate', { body: base })
    expect(act.status).toBe(200)
    const r = await post({ ...base, ttl: 3600 })
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({
      alg: 'base64+ed25519',
      expires_at: new Date(now + 3600_000).toISOString(),
    })
    expect(accept(r.body.data.certificate, await edPem())).toMatchObject({
      license: { id: license.id },
      machine: { fingerprint: 'cl-1' },
    })
    // Another machine on the full, HWID-locked license: as validate answers it.
    const other = { ...base, hwid: 'cl-2' }
    const v = await srv.json('/api/client/validate', { body: other })
    const f = await post(other)
    expect(f.status).toBe(v.status)
    expect(f.body).toEqual(v.body)
    expect(f.body.error_code).toBe('HWID_MISMATCH')
    const unknown = await post({ ...base, license_key: 'NOPE' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error_code).toBe('LICENSE_NOT_FOUND')
    const wrongProduct = await post({ ...base, product_id: (await seed(srv)).product.id })
    expect(wrongProduct.body.error_code).toBe('PRODUCT_NOT_FOUND')
    await admin.post(`/api/licenses/${license.id}/ban`, { reason: 'x' })
    const banned = await post(base)
    expect(banned.status).toBe(403)
    expect(banned.body).toMatchObject({
      error_code: 'LICENSE_BANNED',
      message: 'Key has been banned',
    })
    const noHwid = await post({ license_key: key, product_id: product.id })
    expect(noHwid.status).toBe(400)
    expect(noHwid.body.message).toBe('hwid: Invalid input: expected string, received undefined')
  })

  it('an expired license is refused', async () => {
    const { product, key } = await seed(srv, { expires_at: new Date(now + 60_000).toISOString() })
    const base = { license_key: key, product_id: product.id, hwid: 'exp-1' }
    expect((await srv.json('/api/client/activate', { body: base })).status).toBe(200)
    now += 120_000
    const r = await post(base)
    expect(r.status).toBe(403)
    expect(r.body.error_code).toBe('LICENSE_EXPIRED')
  })
})

describe('the key persists across restart and restore, and is checked against the database', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('a restart signs with the same key; a missing or foreign key refuses to start', async () => {
    const s = await startTestServer()
    dirs.push(s.dataDir)
    const pem = s.runtime.services.licenseFiles.publicKeyPem()
    await s.runtime.close()
    const again = await startRuntime({
      dataDir: s.dataDir,
      database: s.database,
      port: 0,
      logLevel: 'silent',
    })
    expect(again.services.licenseFiles.publicKeyPem()).toBe(pem)
    await again.close()
    const priv = join(s.dataDir, 'keys', 'ed25519-private.pem')
    const saved = readFileSync(priv, 'utf8')
    rmSync(priv)
    await expect(
      startRuntime({ dataDir: s.dataDir, database: s.database, port: 0, logLevel: 'silent' }),
    ).rejects.toThrow(
      /ed25519-private\.pem is missing but \S+ holds an installation that signs license files with it: .*--reset-identity/,
    )
    const other = mkdtempSync(join(tmpdir(), 'kw-ed-other-'))
    dirs.push(other)
    seedServerKey(other)
    const o = await startRuntime({ dataDir: other, port: 0, logLevel: 'silent' })
    await o.close()
    writeFileSync(priv, readFileSync(join(other, 'keys', 'ed25519-private.pem')), { mode: 0o600 })
    await expect(
      startRuntime({ dataDir: s.dataDir, database: s.database, port: 0, logLevel: 'silent' }),
    ).rejects.toThrow(
      /is not the Ed25519 key \S+ signs license files with \(it is another installation's key\)/,
    )
    writeFileSync(priv, 'not a key\n', { mode: 0o600 })
    await expect(
      startRuntime({ dataDir: s.dataDir, database: s.database, port: 0, logLevel: 'silent' }),
    ).rejects.toThrow(/ed25519-private\.pem is not a usable Ed25519 private key .*--reset-identity/)
    writeFileSync(priv, saved, { mode: 0o600 })
    const back = await startRuntime({
      dataDir: s.dataDir,
      database: s.database,
      port: 0,
      logLevel: 'silent',
    })
    expect(back.services.licenseFiles.publicKeyPem()).toBe(pem)
    await back.close()
    // --reset-identity deliberately takes a new key (and records it).
    rmSync(priv)
    const reset = await startRuntime({
      dataDir: s.dataDir,
      database: s.database,
      port: 0,
      logLevel: 'silent',
      resetIdentity: true,
    })
    expect(reset.services.licenseFiles.publicKeyPem()).not.toBe(pem)
    await reset.close()
  })

  it.skipIf(onPostgres)('a restored installation signs with the same key', async () => {
    const s = await startTestServer()
    dirs.push(s.dataDir)
    const { license } = await seed(s)
    const pem = s.runtime.services.licenseFiles.publicKeyPem()!
    const b = await s.runtime.services.backup.backup()
    const backupFile = join(s.dataDir, 'backups', b.name)
    const backupKey = readFileSync(join(s.dataDir, 'backup.key'), 'utf8')
    await s.runtime.close()
    const fresh = mkdtempSync(join(tmpdir(), 'kw-ed-restored-'))
    dirs.push(fresh)
    await restoreInstallation(fresh, backupFile, backupKey)
    expect(statSync(join(fresh, 'keys', 'ed25519-private.pem')).mode & 0o777).toBe(0o600)
    const restored = await startRuntime({ dataDir: fresh, port: 0, logLevel: 'silent' })
    try {
      expect(restored.services.licenseFiles.publicKeyPem()).toBe(pem)
      const f = await restored.services.licenseFiles.checkOut(CONSOLE, license.id, {})
      const cert = certOf(f.file)
      expect(verifies(cert, pem)).toBe(true)
    } finally {
      await restored.close()
    }
    expect(existsSync(backupFile)).toBe(true)
  })
})
