import { describe, expect, it } from 'vitest'
import type { EventDto } from '@shared/dto'
import { MAX_ATTEMPTS, retryDelayMs } from './backoff'
import { webhookEventFor } from './mapping'
import { checkAddress, isPrivateAddress } from './target'
import { signBody, signatureHeader } from './send'

const ev = (p: Partial<EventDto>): EventDto => ({
  id: 1,
  type: 'x',
  severity: 'info',
  product_id: null,
  license_id: null,
  machine_id: null,
  hwid: null,
  ip: null,
  user_agent: null,
  details: {},
  blocked: false,
  created_at: '2026-01-01T00:00:00.000Z',
  ...p,
})

describe('retry schedule', () => {
  it('retries first within 30 s and spreads the attempts over more than 24 h, whatever the jitter', () => {
    for (const r of [() => 0, () => 0.999999]) {
      expect(retryDelayMs(1, r)).toBeLessThanOrEqual(30_000)
      let total = 0
      for (let n = 1; n < MAX_ATTEMPTS; n++) total += retryDelayMs(n, r)
      expect(total).toBeGreaterThan(24 * 3_600_000)
    }
    expect(retryDelayMs(3, () => 0)).toBeGreaterThan(retryDelayMs(2, () => 0))
  })
})

describe('event -> webhook mapping (the one place)', () => {
  it('maps license lifecycle events, and only successful activations', () => {
    expect(webhookEventFor(ev({ type: 'license.created' }))).toBe('license.created')
    expect(webhookEventFor(ev({ type: 'license_activation' }))).toBe('license.activated')
    expect(webhookEventFor(ev({ type: 'license_activation', blocked: true }))).toBeNull()
    expect(webhookEventFor(ev({ type: 'license_deactivation' }))).toBe('license.deactivated')
    expect(webhookEventFor(ev({ type: 'license.expired' }))).toBe('license.expired')
    expect(webhookEventFor(ev({ type: 'license.suspended' }))).toBe('license.suspended')
    expect(webhookEventFor(ev({ type: 'license.deleted' }))).toBe('license.deleted')
    expect(webhookEventFor(ev({ type: 'license.updated' }))).toBeNull()
    expect(webhookEventFor(ev({ type: 'license.updated', details: { status: 'suspended' } }))).toBe(
      'license.suspended',
    )
  })
  it('turns blocks into security.blocked and findings into security.alert, but not routine refusals', () => {
    expect(webhookEventFor(ev({ type: 'blacklist_hit', blocked: true }))).toBe('security.blocked')
    expect(webhookEventFor(ev({ type: 'brute_force', blocked: true, severity: 'high' }))).toBe(
      'security.blocked',
    )
    expect(webhookEventFor(ev({ type: 'vm_detected', severity: 'low' }))).toBe('security.alert')
    expect(webhookEventFor(ev({ type: 'hwid_spoof_attempt', severity: 'medium' }))).toBe(
      'security.alert',
    )
    expect(webhookEventFor(ev({ type: 'license_validation', blocked: true }))).toBeNull()
    expect(webhookEventFor(ev({ type: 'license_validation' }))).toBeNull()
    expect(
      webhookEventFor(ev({ type: 'license_validation', details: { flags: ['vm_detected'] } })),
    ).toBe('security.alert')
    expect(
      webhookEventFor(ev({ type: 'hwid_mismatch', blocked: true, severity: 'medium' })),
    ).toBeNull()
  })
})

describe('SSRF guard', () => {
  const u = new URL('http://example.test:47293/hook')
  it('knows private ranges, mapped IPv6 included', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPrivateAddress(a)).toBe(true)
    }
    for (const a of ['93.184.216.34', '2606:4700::1111', '8.8.8.8'])
      expect(isPrivateAddress(a)).toBe(false)
  })
  it('refuses our own port on a local address even for admins, private targets for users', () => {
    expect(() => checkAddress(u, '127.0.0.1', { allowPrivate: true, selfPort: 47293 })).toThrow(
      'Keywarden itself',
    )
    expect(() =>
      checkAddress(new URL('http://x:8080/'), '127.0.0.1', { allowPrivate: true, selfPort: 47293 }),
    ).not.toThrow()
    expect(() =>
      checkAddress(new URL('http://x:8080/'), '10.0.0.2', { allowPrivate: false, selfPort: 47293 }),
    ).toThrow('private')
    expect(() =>
      checkAddress(new URL('http://x:8080/'), '93.184.216.34', {
        allowPrivate: false,
        selfPort: 47293,
      }),
    ).not.toThrow()
  })
  it('signs the raw body with HMAC-SHA256 (a known vector)', () => {
    // RFC 4231-style check against node's own HMAC is circular; use a fixed, independently computed value.
    expect(signBody('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    )
  })
  it('signs t + "." + raw body once per valid secret, current first (vectors from Python hmac)', () => {
    expect(signatureHeader(['key', 'old'], '{"a":1}', 1700000000)).toBe(
      't=1700000000,' +
        'v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03,' +
        'v1=5bed6ff4fdaa1f7539be4b82f6c76ce254e00e815b22b0dc8132056e0392cbcf',
    )
  })
})
