import { describe, expect, it } from 'vitest'
import { policyOverrideSchema, seatAllowance } from '@shared/policy'
import { productPolicySchema } from '@shared/schemas'
import { DEFAULT_POLICY } from '../products'
import { effectivePolicy, graceUntil, seatMark } from './policy'

const NOW = new Date('2030-01-01T00:00:00.000Z')

describe('license policy', () => {
  it('defaults to node-locked (where free_seat changes nothing), no overage, no grace: the behaviour before policies', () => {
    expect(effectivePolicy('{}', null)).toMatchObject({
      mode: 'node_locked',
      seats: null,
      dead_machine: 'free_seat',
      resurrection_seconds: 0,
      overage: 1,
      grace_seconds: 0,
      heartbeat_seconds: 300,
    })
    expect(productPolicySchema.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY)
  })

  it('merges the license override over the product default, field by field', () => {
    const product = JSON.stringify({ mode: 'floating', seats: 5, grace_seconds: 3600 })
    const p = effectivePolicy(product, JSON.stringify({ seats: 2, overage: 1.5 }))
    expect(p).toMatchObject({ mode: 'floating', seats: 2, overage: 1.5, grace_seconds: 3600 })
    // A broken hand edit of the override reads as none rather than failing every check.
    expect(effectivePolicy(product, '{"seats": -4}')).toMatchObject({ seats: 5, overage: 1 })
    expect(effectivePolicy(product, 'not json')).toMatchObject({ seats: 5 })
  })

  it('refuses out-of-range and unknown override fields with the field named', () => {
    const r = policyOverrideSchema.safeParse({ overage: 0.5, seats: 0 })
    expect(r.success).toBe(false)
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['overage', 'seats'])
    expect(policyOverrideSchema.safeParse({ session_minutes: 5 }).success).toBe(false)
    expect(policyOverrideSchema.safeParse({ mode: 'metered' }).success).toBe(false)
  })

  it('rounds the overage allowance down, never below the seats', () => {
    expect(seatAllowance(4, 1.25)).toBe(5)
    expect(seatAllowance(3, 1.25)).toBe(3)
    expect(seatAllowance(20, 1.15)).toBe(23)
    expect(seatAllowance(3, 1)).toBe(3)
    expect(seatAllowance(3, 2)).toBe(6)
  })

  it('marks a seat dead one heartbeat window (two intervals) after it is heard from, buried after the resurrection window', () => {
    const floating = {
      ...DEFAULT_POLICY,
      mode: 'floating' as const,
      dead_machine: 'free_seat' as const,
    }
    expect(
      seatMark({ ...floating, heartbeat_seconds: 60, resurrection_seconds: 600 }, NOW),
    ).toEqual({
      seat: 'held',
      seat_dead_at: '2030-01-01T00:02:00.000Z',
      seat_bury_at: '2030-01-01T00:12:00.000Z',
    })
    expect(seatMark({ ...floating, dead_machine: 'keep' }, NOW)).toEqual({
      seat: 'held',
      seat_dead_at: null,
      seat_bury_at: null,
    })
    // Node-locked: watched only under deactivate (free_seat and keep change nothing).
    expect(seatMark({ ...DEFAULT_POLICY, dead_machine: 'deactivate' }, NOW).seat_dead_at).toBe(
      '2030-01-01T00:10:00.000Z',
    )
    expect(seatMark(DEFAULT_POLICY, NOW)).toEqual({
      seat: null,
      seat_dead_at: null,
      seat_bury_at: null,
    })
  })

  it('ends the grace period grace_seconds after expiry', () => {
    expect(
      graceUntil({ ...DEFAULT_POLICY, grace_seconds: 86400 }, '2030-01-01T00:00:00.000Z'),
    ).toBe('2030-01-02T00:00:00.000Z')
    expect(graceUntil(DEFAULT_POLICY, '2030-01-01T00:00:00.000Z')).toBeNull()
    expect(graceUntil({ ...DEFAULT_POLICY, grace_seconds: 60 }, null)).toBeNull()
  })
})
