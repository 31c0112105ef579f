import type { ProductPolicy } from '@shared/dto'
import { policyOverrideSchema, type PolicyOverride, type SeatPolicy } from '@shared/policy'
import { DEFAULT_POLICY } from '../products'

const cache = new Map<string, ProductPolicy>()

/** Parses JSON, memoised by its text (the hot path reads the same few policies on every call). */
function memo(key: string, make: () => ProductPolicy): ProductPolicy {
  let p = cache.get(key)
  if (p) return p
  p = make()
  if (cache.size > 1000) cache.clear()
  cache.set(key, p)
  return p
}

/** A product's stored policy JSON over the defaults. */
export function parsePolicy(json: string): ProductPolicy {
  return memo(json, () => {
    try {
      return { ...DEFAULT_POLICY, ...(JSON.parse(json) as Partial<ProductPolicy>) }
    } catch {
      return DEFAULT_POLICY
    }
  })
}

/** A license's stored override JSON (null, or a broken hand edit: no override). */
export function parseOverride(json: string | null): PolicyOverride | null {
  if (json === null) return null
  try {
    const r = policyOverrideSchema.safeParse(JSON.parse(json))
    return r.success ? r.data : null
  } catch {
    return null
  }
}

/**
 * THE policy of a license: its product's policy with the license's own override on top. The one
 * place the two are merged (DESIGN: one policy object, per product with per-license overrides,
 * read by services only); every operation of every protocol reads its policy from here.
 */
export function effectivePolicy(
  productPolicy: string,
  licensePolicy: string | null,
): ProductPolicy {
  if (licensePolicy === null) return parsePolicy(productPolicy)
  return memo(`${productPolicy}\u0000${licensePolicy}`, () => ({
    ...parsePolicy(productPolicy),
    ...parseOverride(licensePolicy),
  }))
}

/** The floating seats a license has: the policy's `seats`, else its max_uses. */
export function seatsOf(policy: SeatPolicy, maxUses: number): number {
  return policy.seats ?? maxUses
}

/**
 * How many heartbeat intervals a session may stay silent before it counts as dead and frees its
 * slot. Two: one late or lost beat is forgiven, a second is not. Node-locked licenses decide
 * this at read time (silentSince); floating seats are freed by culling at `seatDeadAt`.
 */
export const MISSED_BEATS = 2

/** The heartbeat window: how long a machine may be silent before it is dead, ms. */
export function heartbeatWindowMs(policy: SeatPolicy): number {
  return MISSED_BEATS * policy.heartbeat_seconds * 1000
}

/** The last_seen_at below which a session of this product has missed its heartbeats. */
export function silentSince(policy: SeatPolicy, now: Date): string {
  return new Date(now.getTime() - heartbeatWindowMs(policy)).toISOString()
}

/** What a machine seen at `now` writes: its seat, when it is dead, when it may no longer return. */
export interface SeatMark {
  seat: 'held' | null
  seat_dead_at: string | null
  seat_bury_at: string | null
}

/**
 * Whether culling watches a license's machines: every floating seat (freed unless dead machines
 * are kept), and node-locked machines only under dead_machine=deactivate (a binding is no seat:
 * free_seat and keep leave it alone, as before policies).
 */
export function isWatched(p: SeatPolicy): boolean {
  return p.mode === 'floating' || p.dead_machine === 'deactivate'
}

/**
 * The seat columns a machine heard from at `now` gets. Floating: a held seat, dead one heartbeat
 * window from now (never, under dead_machine=keep). Node-locked: watched only under
 * dead_machine=deactivate (culling then unbinds it); otherwise nothing, as before policies.
 */
export function seatMark(policy: SeatPolicy, now: Date): SeatMark {
  if (!isWatched(policy)) return { seat: null, seat_dead_at: null, seat_bury_at: null }
  if (policy.dead_machine === 'keep')
    return { seat: 'held', seat_dead_at: null, seat_bury_at: null }
  const dead = now.getTime() + heartbeatWindowMs(policy)
  return {
    seat: 'held',
    seat_dead_at: new Date(dead).toISOString(),
    seat_bury_at: new Date(dead + policy.resurrection_seconds * 1000).toISOString(),
  }
}

/** The end of the grace period of a license that expired at `expiresAt`, or null (no grace). */
export function graceUntil(policy: SeatPolicy, expiresAt: string | null): string | null {
  if (expiresAt === null || policy.grace_seconds <= 0) return null
  return new Date(new Date(expiresAt).getTime() + policy.grace_seconds * 1000).toISOString()
}
