import type { ServiceContext } from '../../services/context'
import { createLeasedCounter } from '../../services/leased-counter'

interface StoreAnswer {
  current: number
  ttl: number
}

type Context = Pick<ServiceContext, 'clock' | 'write' | 'changes'>

/**
 * A @fastify/rate-limit store on the database's `counters` table, for limits that must hold
 * across processes (PostgreSQL nodes, `serve --workers N`): counted by leases
 * (services/leased-counter.ts), so never more than the limit across processes, exact (a write
 * per hit) for limits under 128 a window (sign-in attempts: guessing must not get N times the
 * attempts by spreading over N processes) and one write per 1/64 of the limit above (the
 * per-IP flood limiter).
 */
export function sharedRateLimitStore(ctx: Context, namespace: string) {
  const counter = createLeasedCounter(ctx, namespace)
  return class SharedRateLimitStore {
    incr(
      key: string,
      cb: (err: Error | null, res?: StoreAnswer) => void,
      timeWindow: number,
      max: number,
    ): void {
      counter.hit(key, max, timeWindow).then(
        (h) =>
          cb(null, { current: h.allowed ? h.used : Math.max(h.used, max + 1), ttl: h.resetMs }),
        (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
      )
    }

    child(): SharedRateLimitStore {
      return this
    }
  }
}

/**
 * The store of a per-client flood limiter: the plugin's own in-memory one where one process
 * serves (SQLite alone: exact, no write), the shared one where several do.
 */
export function floodLimitStore(
  ctx: Context,
  namespace: string,
): { store?: ReturnType<typeof sharedRateLimitStore> } {
  return ctx.changes.shared ? { store: sharedRateLimitStore(ctx, namespace) } : {}
}
