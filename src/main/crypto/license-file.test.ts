import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  encodeLicenseFile,
  licenseFileKey,
  openCertificate,
  parseLicenseFile,
  verifyCertificate,
} from './license-file'

const { privateKey, publicKey } = generateKeyPairSync('ed25519')
const payload = { license: { id: 'l1' }, machine: null, issued: '2026-01-01T00:00:00.000Z' }

describe('license files', () => {
  it('armours the certificate in 60-character base64 lines', () => {
    const text = encodeLicenseFile(payload, privateKey)
    const lines = text.trim().split('\n')
    expect(lines[0]).toBe('-----BEGIN LICENSE FILE-----')
    expect(lines.at(-1)).toBe('-----END LICENSE FILE-----')
    for (const l of lines.slice(1, -2)) expect(l).toHaveLength(60)
    const cert = parseLicenseFile(text)!
    expect(cert.alg).toBe('base64+ed25519')
    expect(verifyCertificate(cert, publicKey)).toBe(true)
    expect(openCertificate(cert)).toEqual(payload)
  })

  it('encrypts as ciphertext.iv.tag under SHA-256 of key + fingerprint', () => {
    const key = licenseFileKey('KEY-1', 'fp')
    const cert = parseLicenseFile(encodeLicenseFile(payload, privateKey, key))!
    expect(cert.alg).toBe('aes-256-gcm+ed25519')
    const [, iv, tag] = cert.enc.split('.')
    expect(Buffer.from(iv, 'base64')).toHaveLength(12)
    expect(Buffer.from(tag, 'base64')).toHaveLength(16)
    expect(verifyCertificate(cert, publicKey)).toBe(true)
    expect(openCertificate(cert, key)).toEqual(payload)
    expect(() => openCertificate(cert, licenseFileKey('KEY-1', 'other'))).toThrow()
  })

  it('a changed enc or sig does not verify', () => {
    const cert = parseLicenseFile(encodeLicenseFile(payload, privateKey))!
    const enc = cert.enc.slice(0, 5) + (cert.enc[5] === 'A' ? 'B' : 'A') + cert.enc.slice(6)
    expect(verifyCertificate({ ...cert, enc }, publicKey)).toBe(false)
    expect(verifyCertificate({ ...cert, sig: cert.sig.replace(/^./, 'x') }, publicKey)).toBe(false)
  })
})
