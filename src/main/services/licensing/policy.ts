import type { ProductPolicy } from '@shared/dto'
import { DEFAULT_POLICY } from '../products'

const cache = new Map<string, ProductPolicy>()

/** A product's stored policy JSON over the defaults (memoised: the hot path parses it per call). */
export function parsePolicy(json: string): ProductPolicy {
  let p = cache.get(json)
  if (p) return p
  try {
    p = { ...DEFAULT_POLICY, ...(JSON.parse(json) as Partial<ProductPolicy>) }
  } catch {
    p = DEFAULT_POLICY
  }
  if (cache.size > 1000) cache.clear()
  cache.set(json, p)
  return p
}

/**
 * How many heartbeat intervals a session may stay silent before it counts as dead and frees its
 * slot. Two: one late or lost beat is forgiven, a second is not. Decided at read time, no sweep.
 */
export const MISSED_BEATS = 2

/** The last_seen_at below which a session of this product has missed its heartbeats. */
export function silentSince(policy: ProductPolicy, now: Date): string {
  return new Date(now.getTime() - MISSED_BEATS * policy.heartbeat_seconds * 1000).toISOString()
}
