import type { Executor } from '../db/connection'
import { purgeReplayGuard, rememberOnce } from '../db/repositories/replay'
import type { ServiceContext } from './context'

/**
 * One-time values (signed API requests, envelope signatures, answered challenges), kept until
 * they stop mattering. In the database, so every node refuses a value any node has seen.
 */
export function createReplayGuard(ctx: ServiceContext) {
  let remembered = 0
  return {
    /**
     * Remembers `value` until `untilMs` (which must follow from the value: see rememberOnce);
     * false when it was seen before (a replay). Await it inside the caller's `ctx.tx` work with
     * its `trx`, so that the use is remembered exactly when what it allowed commits. Every 500th
     * call also forgets expired values.
     */
    async remember(trx: Executor, kind: string, value: string, untilMs: number): Promise<boolean> {
      if (++remembered % 500 === 0) await purgeReplayGuard(trx, ctx.clock().getTime())
      return rememberOnce(trx, kind, value, untilMs)
    },
  }
}

export type ReplayGuard = ReturnType<typeof createReplayGuard>
