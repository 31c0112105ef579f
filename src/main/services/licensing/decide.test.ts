import { describe, expect, it } from 'vitest'
import type { LicenseCheckRow } from '../../db/repositories/machines'
import { DEFAULT_POLICY } from '../products'
import { decideHwid, decideIndicators, decideMachine, decideProduct, decideStatus } from './decide'
import { createRateLimiter } from './ratelimit'

const NOW = '2030-01-01T00:00:00.000Z'
const row = (over: Partial<LicenseCheckRow> = {}): LicenseCheckRow => ({
  id: 'l1',
  product_id: 'p1',
  key: 'K',
  type: 'subscription',
  status: 'active',
  status_reason: null,
  max_uses: 1,
  hwid_locked: 1,
  max_sessions: null,
  expires_at: null,
  metadata: '{}',
  level: 1,
  license_policy: null,
  product_num: 7,
  product_active: 1,
  product_policy: '{}',
  product_secret: 's',
  product_owner: null,
  rows_version: null,
  ...over,
})
const req = {
  licenseKey: 'K',
  productId: 'p1',
  ip: null,
  userAgent: null,
  protocol: 'licensecm' as const,
}
const code = (fn: () => unknown) => {
  try {
    fn()
    return 'OK'
  } catch (e) {
    return (e as { code: string }).code
  }
}
const facts = (bound: boolean, machines: number, live: number) => ({
  boundId: () => (bound ? 'm1' : undefined),
  machineCount: () => machines,
  liveOthers: () => live,
})

describe('the decision', () => {
  it('product: not found, mismatch by uuid and by number, inactive', () => {
    expect(code(() => decideProduct(undefined, req))).toBe('LICENSE_NOT_FOUND')
    expect(code(() => decideProduct(row(), { ...req, productId: 'p2' }))).toBe('PRODUCT_NOT_FOUND')
    expect(code(() => decideProduct(row(), { ...req, productId: undefined, productNum: 8 }))).toBe(
      'PRODUCT_NOT_FOUND',
    )
    expect(code(() => decideProduct(row({ product_active: 0 }), req))).toBe('PRODUCT_NOT_FOUND')
    expect(code(() => decideProduct(row(), { ...req, productId: undefined, productNum: 7 }))).toBe(
      'OK',
    )
  })

  it('status: banned and suspended before expired; expiry derived from expires_at', () => {
    const past = '2029-12-31T23:59:59.000Z'
    expect(code(() => decideStatus(row({ status: 'banned', expires_at: past }), NOW))).toBe(
      'LICENSE_BANNED',
    )
    expect(code(() => decideStatus(row({ status: 'suspended', expires_at: past }), NOW))).toBe(
      'LICENSE_SUSPENDED',
    )
    expect(code(() => decideStatus(row({ expires_at: past }), NOW))).toBe('LICENSE_EXPIRED')
    expect(code(() => decideStatus(row({ expires_at: past }), NOW, { allowExpired: true }))).toBe(
      'OK',
    )
    expect(code(() => decideStatus(row({ expires_at: '2030-01-02T00:00:00.000Z' }), NOW))).toBe(
      'OK',
    )
  })

  it('machine: bound passes; a full locked license is HWID_MISMATCH, a full unlocked one MAX_USES_EXCEEDED', () => {
    expect(code(() => decideMachine(row(), facts(true, 1, 0)))).toBe('OK')
    expect(code(() => decideMachine(row(), facts(false, 1, 0)))).toBe('HWID_MISMATCH')
    expect(code(() => decideMachine(row({ max_uses: 2 }), facts(false, 1, 1)))).toBe('OK')
    // Unlocked: only live machines count, so a silent one does not hold the slot.
    expect(code(() => decideMachine(row({ hwid_locked: 0 }), facts(false, 1, 0)))).toBe('OK')
    expect(code(() => decideMachine(row({ hwid_locked: 0 }), facts(false, 1, 1)))).toBe(
      'MAX_USES_EXCEEDED',
    )
    expect(
      code(() => decideMachine(row({ max_uses: 5, max_sessions: 1 }), facts(true, 2, 1))),
    ).toBe('MAX_USES_EXCEEDED')
  })

  it('indicators: ignore, flag, block per policy', () => {
    const cd = { vm_indicators: ['vm_mac_address'], debug_indicators: [] }
    expect(decideIndicators({ ...DEFAULT_POLICY, vm_policy: 'ignore' }, cd)).toEqual([])
    expect(decideIndicators({ ...DEFAULT_POLICY, vm_policy: 'flag' }, cd)).toEqual(['vm_detected'])
    expect(code(() => decideIndicators({ ...DEFAULT_POLICY, vm_policy: 'block' }, cd))).toBe(
      'SECURITY_VIOLATION',
    )
    expect(decideIndicators({ ...DEFAULT_POLICY, debug_policy: 'block' }, cd)).toEqual([
      'vm_detected',
    ])
  })
})

describe('createRateLimiter', () => {
  it('allows perMinute hits per window, then says when it reopens; first refusal flagged once', () => {
    let now = 1_000_000
    const rl = createRateLimiter(() => now)
    expect(rl.hit('k', 2)).toBeNull()
    expect(rl.hit('k', 2)).toBeNull()
    expect(rl.hit('other', 2)).toBeNull()
    now += 15_000
    expect(rl.hit('k', 2)).toEqual({ retryAfter: 45, first: true })
    expect(rl.hit('k', 2)).toEqual({ retryAfter: 45, first: false })
    now += 45_000
    expect(rl.hit('k', 2)).toBeNull()
  })
})

describe('decideHwid', () => {
  it('a machine-bound license (locked, machine or session limit) needs the machine named', () => {
    expect(code(() => decideHwid(row({ hwid_locked: 1 }), undefined))).toBe('VALIDATION_ERROR')
    expect(code(() => decideHwid(row({ hwid_locked: 0, max_uses: 3 }), null))).toBe(
      'VALIDATION_ERROR',
    )
    expect(code(() => decideHwid(row({ hwid_locked: 0, max_sessions: 2 }), ''))).toBe(
      'VALIDATION_ERROR',
    )
    expect(decideHwid(row(), 'hw-1')).toBe('hw-1')
  })
  it('only a license bound to no machine is checked without one', () => {
    expect(decideHwid(row({ hwid_locked: 0, max_uses: 0 }), undefined)).toBeNull()
  })
})
