import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ClockTamperError,
  LicenseFileDecryptError,
  LicenseFileExpiredError,
  LicenseFileInvalidError,
  LicenseFileMachineError,
  LicenseFileRevokedError,
  RevocationListInvalidError,
  ValidationError,
  createLicenseRequest,
  machineFacts,
  machineFingerprint,
  parseLicenseFile,
  verifyLicenseFile,
  verifyRevocationList,
  type MachineFacts,
} from '../src/index.js'
import { sdkServer, type SdkServer } from './setup'

let s: SdkServer
let now = Date.parse('2026-12-02T08:00:00.000Z')
beforeAll(async () => {
  s = await sdkServer({ clock: () => new Date(now) })
})
afterAll(async () => {
  await s.srv.stop()
})
const HOUR = 3_600_000

async function activated(opts: { encrypt?: boolean; ttl?: number } = {}) {
  const { product, license, key } = await s.seed()
  const c = s.client(product.id, { now: () => now })
  const m = { licenseKey: key, hwid: 'file-hw' }
  await c.activate(m)
  const f = await c.checkOutLicenseFile(m, { ttl: opts.ttl ?? 2 * 3600, encrypt: opts.encrypt })
  return { c, m, f, license, product, key }
}

describe('offline license files', () => {
  it('checks out and verifies offline: payload, and the last seen time to persist', async () => {
    const { c, f, license, key } = await activated()
    const v = c.verifyLicenseFile(f.certificate, { licenseKey: key, fingerprint: 'file-hw' })
    expect(v.payload).toMatchObject({
      id: f.id,
      license: { id: license.id, key_sha256: createHash('sha256').update(key).digest('hex') },
      machine: { fingerprint: 'file-hw' },
      ttl: 7200,
      expiry: new Date(now + 2 * HOUR).toISOString(),
    })
    expect(v.lastSeen).toBe(now)
    expect(parseLicenseFile(f.certificate).alg).toBe('base64+ed25519')
  })

  it('tampering, expiry, clock tampering, another machine or key: each its own error', async () => {
    const { c, f, key } = await activated()
    const body = f.certificate.split('\n').slice(1, -2).join('')
    const json = Buffer.from(body, 'base64').toString()
    const cert = JSON.parse(json)
    const flip = (t: string, i: number) =>
      t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1)
    const armour = (o: unknown) =>
      `-----BEGIN LICENSE FILE-----\n${Buffer.from(JSON.stringify(o)).toString('base64')}\n-----END LICENSE FILE-----\n`
    for (const forged of [
      armour({ ...cert, enc: flip(cert.enc, 10) }),
      armour({ ...cert, sig: flip(cert.sig, 3) }),
      armour({ ...cert, sig: cert.sig.replace(/=$/, 'A') }), // the same bytes, non-canonical base64
      f.certificate.replace('-----BEGIN LICENSE FILE-----\n', '-----BEGIN LICENSE FILE-----\nA'),
      'garbage',
    ]) {
      expect(() => c.verifyLicenseFile(forged)).toThrow(LicenseFileInvalidError)
    }
    const expired = () => c.verifyLicenseFile(f.certificate, { now: now + 2 * HOUR })
    expect(expired).toThrow(LicenseFileExpiredError)
    expect(expired).toThrow(/^The license file expired at 2026-12-02T10:00:00.000Z$/)
    // The app saw 09:30 before; the clock now says 08:00: set back to stretch the file.
    expect(() => c.verifyLicenseFile(f.certificate, { lastSeen: now + 1.5 * HOUR })).toThrow(
      ClockTamperError,
    )
    // Within the 5-minute tolerance it passes (clocks drift).
    expect(c.verifyLicenseFile(f.certificate, { lastSeen: now + 60_000 }).lastSeen).toBe(
      now + 60_000,
    )
    // Before the file was even issued.
    expect(() => c.verifyLicenseFile(f.certificate, { now: now - HOUR })).toThrow(ClockTamperError)
    expect(() => c.verifyLicenseFile(f.certificate, { fingerprint: 'other-hw' })).toThrow(
      LicenseFileMachineError,
    )
    expect(() => c.verifyLicenseFile(f.certificate, { licenseKey: key + 'x' })).toThrow(
      /for another license key/,
    )
    // Another server's key pinned: refused.
    const { sdkServer: other } = await import('./setup')
    const o = await other()
    try {
      expect(() => verifyLicenseFile(f.certificate, { publicKey: o.pins.ed25519, now })).toThrow(
        LicenseFileInvalidError,
      )
    } finally {
      await o.srv.stop()
    }
  })

  it('an encrypted file opens only with the license key and this fingerprint', async () => {
    const { c, f, key } = await activated({ encrypt: true })
    expect(parseLicenseFile(f.certificate).alg).toBe('aes-256-gcm+ed25519')
    const ok = c.verifyLicenseFile(f.certificate, { licenseKey: key, fingerprint: 'file-hw' })
    expect(ok.payload.machine?.fingerprint).toBe('file-hw')
    expect(() =>
      c.verifyLicenseFile(f.certificate, { licenseKey: key, fingerprint: 'nope' }),
    ).toThrow(LicenseFileDecryptError)
    expect(() =>
      c.verifyLicenseFile(f.certificate, { licenseKey: 'WRONG', fingerprint: 'file-hw' }),
    ).toThrow(LicenseFileDecryptError)
    expect(() => c.verifyLicenseFile(f.certificate, {})).toThrow(/needs the license key/)
  })

  it('the revocation list: a revoked file and a banned license are refused; old or stale lists are refused', async () => {
    const a = await activated()
    const b = await activated()
    const auth = { authorization: `Bearer ${s.admin}` }
    await s.srv.json(`/api/licenses/${a.license.id}/files/${a.f.id}/revoke`, {
      body: {},
      headers: auth,
    })
    await s.srv.json(`/api/licenses/${b.license.id}/ban`, { body: { reason: 'x' }, headers: auth })
    const list = await a.c.fetchRevocationList()
    expect(list.sequence).toBe(now)
    const revoked = (x: typeof a) => () =>
      x.c.verifyLicenseFile(x.f.certificate, { revocations: list })
    expect(revoked(a)).toThrow(LicenseFileRevokedError)
    expect(revoked(a)).toThrow('The license file was revoked')
    expect(revoked(b)).toThrow('The license is banned')
    const fine = await activated()
    expect(fine.c.verifyLicenseFile(fine.f.certificate, { revocations: list }).payload.id).toBe(
      fine.f.id,
    )

    // An older list than one already seen (a replay that would un-revoke) is refused.
    const raw = (await s.srv.json('/api/client/revocations')).body.data
    now += 1000
    await a.c.fetchRevocationList()
    expect(() =>
      verifyRevocationList(raw, { publicKey: s.pins.ed25519, now, lastSequence: now }),
    ).toThrow(RevocationListInvalidError)
    await expect(a.c.fetchRevocationList({ lastSequence: now + 1 })).rejects.toThrow(
      'The revocation list is older than one already seen',
    )
    expect(() =>
      verifyRevocationList(raw, { publicKey: s.pins.ed25519, now: now + 25 * HOUR }),
    ).toThrow('The revocation list is stale')
    expect(() =>
      verifyRevocationList(
        { ...raw, enc: raw.enc.replace(/^./, 'x') },
        { publicKey: s.pins.ed25519, now },
      ),
    ).toThrow('The revocation list signature does not verify')
  })

  it('the client endpoint refuses a machine that is not activated', async () => {
    const { product, key } = await s.seed()
    const c = s.client(product.id)
    const e = await c
      .checkOutLicenseFile({ licenseKey: key, hwid: 'never-activated' })
      .catch((x) => x)
    expect(e).toBeInstanceOf(ValidationError)
    expect(e.message).toBe(
      'hwid: this machine is not activated; activate it before checking out a license file',
    )
  })

  it('air-gapped: the app writes a request, the vendor answers it, the app verifies with no network', async () => {
    const { license, key, product } = await s.seed()
    const fp = machineFingerprint({ salt: 'atlas' })
    const request = createLicenseRequest({
      licenseKey: key,
      fingerprint: fp,
      productId: product.id,
      now,
    })
    expect(request).toMatch(
      /^-----BEGIN LICENSE REQUEST-----\n[A-Za-z0-9+/=\n]+\n-----END LICENSE REQUEST-----\n$/,
    )
    const r = await s.srv.json('/api/license-files/from-request', {
      body: { request, encrypt: true },
      headers: { authorization: `Bearer ${s.admin}` },
    })
    expect(r.status).toBe(201)
    const v = verifyLicenseFile(r.body.data.file, {
      publicKey: s.pins.ed25519,
      licenseKey: key,
      fingerprint: fp,
      now,
    })
    expect(v.payload).toMatchObject({ license: { id: license.id }, machine: { fingerprint: fp } })
  })
})

describe('the HWID helper', () => {
  const facts: MachineFacts = {
    machine_id: 'abc',
    platform: 'linux',
    arch: 'x64',
    cpu: 'Some CPU x8',
    memory_gib: 16,
    hostname: 'desk',
    macs: ['aa:bb:cc:dd:ee:ff'],
  }
  it('is the SHA-256 of the documented facts, salted per app', () => {
    const expected = createHash('sha256')
      .update(
        'keywarden-hwid/1\nsalt\nmachine_id=abc\nplatform=linux\narch=x64\ncpu=Some CPU x8\nmemory_gib=16\nhostname=desk\nmacs=aa:bb:cc:dd:ee:ff',
      )
      .digest('hex')
    expect(machineFingerprint({ facts, salt: 'salt' })).toBe(expected)
    expect(machineFingerprint({ facts, salt: 'other' })).not.toBe(expected)
    const noHost = machineFingerprint({ facts, pick: ['machine_id', 'platform', 'arch', 'cpu'] })
    expect(noHost).toBe(
      machineFingerprint({
        facts: { ...facts, hostname: 'renamed' },
        pick: ['machine_id', 'platform', 'arch', 'cpu'],
      }),
    )
  })
  it('reads this machine the same way twice', () => {
    expect(machineFingerprint()).toBe(machineFingerprint())
    expect(machineFingerprint()).toMatch(/^[0-9a-f]{64}$/)
    const f = machineFacts()
    expect(f.platform).toBe(process.platform)
    expect(f.macs).toEqual([...f.macs].sort())
  })
})
