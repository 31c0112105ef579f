import { purgeReplayGuard, rememberOnce } from '../db/repositories/replay'
import type { ServiceContext } from './context'

/**
 * One-time values (signed API requests, envelope signatures, answered challenges), kept until
 * they stop mattering.
 */
export function createReplayGuard(ctx: ServiceContext) {
  let remembered = 0
  return {
    /**
     * Remembers `value` until `untilMs` (which must follow from the value: see rememberOnce);
     * false when it was seen before (a replay). Call it inside a write (a transaction or the
     * group commit). Every 500th call also forgets expired values.
     */
    remember(kind: string, value: string, untilMs: number): boolean {
      if (++remembered % 500 === 0) purgeReplayGuard(ctx.sqlite, ctx.clock().getTime())
      return rememberOnce(ctx.sqlite, kind, value, untilMs)
    },
  }
}

export type ReplayGuard = ReturnType<typeof createReplayGuard>
