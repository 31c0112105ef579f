import { hitWindow, purgeExpiredCounters } from '../../db/repositories/counters'
import type { ServiceContext } from '../../services/context'
import { sha256Hex } from '../../crypto/random'

interface StoreAnswer {
  current: number
  ttl: number
}

/**
 * A @fastify/rate-limit store on the database's `counters` table, for limits a demanding
 * user expects to hold across nodes (login attempts: guessing must not get N times the
 * attempts by spreading over N nodes). One atomic upsert per counted request, so it suits
 * rare requests only; the API-wide per-IP flood limiter keeps the plugin's in-memory store
 * (per node: with N nodes a client may make up to N times the limit per window).
 * A key's window starts at its first hit (hitWindow), as the plugin's own store does.
 * Ended windows are purged at most once a minute per node, on a counted request (no timer).
 */
export function sharedRateLimitStore(ctx: Pick<ServiceContext, 'db' | 'clock'>, namespace: string) {
  let lastPurge = 0
  const purge = async (now: number) => {
    if (now - lastPurge < 60_000) return
    lastPurge = now
    await purgeExpiredCounters(ctx.db, new Date(now).toISOString())
  }
  return class SharedRateLimitStore {
    incr(
      key: string,
      cb: (err: Error | null, res?: StoreAnswer) => void,
      timeWindow: number,
    ): void {
      const now = ctx.clock().getTime()
      hitWindow(
        ctx.db,
        // Hashed: the key carries what the client sent.
        `http:${namespace}:${sha256Hex(key)}`,
        new Date(now).toISOString(),
        new Date(now + timeWindow).toISOString(),
      )
        .then(async (hit) => {
          await purge(now)
          return hit
        })
        .then(
          ({ n, expiresAt }) => cb(null, { current: n, ttl: Date.parse(expiresAt) - now }),
          (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
        )
    }

    child(): SharedRateLimitStore {
      return this
    }
  }
}
