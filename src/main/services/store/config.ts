import { z } from 'zod'
import { DomainError } from '@shared/errors'
import { getSetting, putSetting } from '../../db/repositories/settings'
import { type Actor, nowIso, seesAll, type ServiceContext } from '../context'

/** Tunables of the SellRealm License API (kept in settings under `sellrealm.config`). */
export const sellRealmConfigSchema = z.object({
  /** License API v0 requests per minute per client IP (429 "Too Many Requests" beyond). */
  rate_limit_per_minute: z.number().int().min(1).max(1_000_000),
  /** How far a client's `timestamp` may be from server time, in seconds. */
  timestamp_window_seconds: z.number().int().min(1).max(86_400),
})
export type SellRealmConfig = z.infer<typeof sellRealmConfigSchema>

export const DEFAULT_SELLREALM_CONFIG: SellRealmConfig = {
  rate_limit_per_minute: 600,
  timestamp_window_seconds: 300,
}

const KEY = 'sellrealm.config'

/**
 * How long a node answers from its copy of shared settings before reading them again: a change
 * saved on another node (same database) applies on this one within this time.
 */
export const SHARED_SETTING_TTL_MS = 10_000

/**
 * Read on every v0 request, so cached in memory. A write through `update` applies at once on
 * this node, and on every other node within SHARED_SETTING_TTL_MS.
 */
export function createSellRealmConfig(ctx: ServiceContext) {
  let cache: SellRealmConfig | null = null
  let readAt = 0

  async function get(): Promise<SellRealmConfig> {
    const t = ctx.clock().getTime()
    if (cache && Math.abs(t - readAt) < SHARED_SETTING_TTL_MS) return cache
    readAt = t
    const text = await getSetting(ctx.db, KEY)
    let stored: unknown = {}
    try {
      stored = text ? JSON.parse(text) : {}
    } catch {
      // A corrupt row falls back to defaults rather than breaking every client.
    }
    const parsed = sellRealmConfigSchema.partial().safeParse(stored)
    cache = { ...DEFAULT_SELLREALM_CONFIG, ...(parsed.success ? parsed.data : {}) }
    return cache
  }

  return {
    get,
    async update(actor: Actor, patch: Partial<SellRealmConfig>): Promise<SellRealmConfig> {
      if (!seesAll(actor))
        throw new DomainError('FORBIDDEN', 'Only an admin can change SellRealm settings')
      const next = sellRealmConfigSchema.parse({ ...(await get()), ...patch })
      await putSetting(ctx.db, KEY, JSON.stringify(next), nowIso(ctx))
      cache = next
      readAt = ctx.clock().getTime()
      return next
    },
  }
}
