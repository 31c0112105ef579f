import { purgeReplayGuard, rememberOnce } from '../../db/repositories/replay'
import type { ServiceContext } from '../context'

/** One-time values (envelope signatures, answered challenges), kept until they expire. */
export function createReplayGuard(ctx: ServiceContext) {
  let remembered = 0
  return {
    /**
     * Remembers `value` until `until`; false when it was seen before (a replay). Call it inside
     * a write (a transaction or the group commit). Every 500th call also forgets expired values.
     */
    remember(kind: string, value: string, until: string, nowIso: string): boolean {
      if (++remembered % 500 === 0) purgeReplayGuard(ctx.sqlite, nowIso)
      return rememberOnce(ctx.sqlite, kind, value, until)
    },
  }
}

export type ReplayGuard = ReturnType<typeof createReplayGuard>
