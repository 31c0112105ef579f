import {
  securitySettingsSchema,
  type SecuritySettings,
  type UpdateSecuritySettingsInput,
} from '@shared/channels/security'
import * as settingsRepo from '../../db/repositories/settings'
import { bumpVersion } from '../../db/repositories/change-versions'
import { createVersionWatch } from '../settings/versions'
import { SETTINGS_STALE_MS } from '../settings'
import { nowIso, type ServiceContext } from '../context'
import { normalizeIp } from './matcher'

/** Settings row holding the detection thresholds and the webhook target policy. */
export const SECURITY_SETTINGS_KEY = 'security.thresholds'

/**
 * Defaults: generous enough that a customer mistyping a key, a shared office NAT or a
 * load test with a handful of bad keys never trips them, tight enough that a key sweep is
 * stopped within minutes (guessing a 78-bit key is hopeless anyway; the block is a signal
 * and a brake).
 */
export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  brute_force: { max_failures: 20, window_seconds: 300, block_minutes: 15 },
  // A customer with several of one vendor's apps on a laptop, or a 5-seat license behind an
  // office NAT, stays well under these; a cloned HWID or a randomiser crosses them quickly.
  hwid_spoof: {
    max_keys_per_hwid: 10,
    max_hwids_per_key: 10,
    window_seconds: 3600,
    action: 'flag',
  },
  webhooks: { allow_private_for_users: false },
  allowlist: { ips: [], hwids: [] },
}

/**
 * The thresholds, cached in memory and reloaded when the `settings` change version moves (it
 * is bumped with every settings write, on any node): another node's change applies here
 * within SETTINGS_STALE_MS, like every other setting.
 */
export function createThresholds(ctx: ServiceContext) {
  let cache: SecuritySettings | null = null
  let cacheVersion = -1
  const version = createVersionWatch(ctx, 'settings', SETTINGS_STALE_MS)

  async function get(): Promise<SecuritySettings> {
    const v = await version.current()
    if (cache && cacheVersion === v) return cache
    const raw = await settingsRepo.getSetting(ctx.db, SECURITY_SETTINGS_KEY)
    let stored: Partial<SecuritySettings> = {}
    try {
      const parsed = securitySettingsSchema.partial().safeParse(raw ? JSON.parse(raw) : {})
      if (parsed.success) stored = parsed.data
    } catch {
      // A corrupt row falls back to the defaults rather than disabling detection.
    }
    cache = merge(DEFAULT_SECURITY_SETTINGS, stored)
    cacheVersion = v
    return cache
  }

  return {
    get,
    async update(patch: UpdateSecuritySettingsInput): Promise<SecuritySettings> {
      const next = merge(await get(), patch)
      await ctx.tx(async (trx) => {
        await settingsRepo.putSetting(trx, SECURITY_SETTINGS_KEY, JSON.stringify(next), nowIso(ctx))
        await bumpVersion(trx, 'settings')
      })
      cache = next
      cacheVersion = await version.current(true)
      return next
    },
  }
}

function merge(
  base: SecuritySettings,
  p: Partial<{ [K in keyof SecuritySettings]: Partial<SecuritySettings[K]> }>,
): SecuritySettings {
  return {
    brute_force: { ...base.brute_force, ...p.brute_force },
    hwid_spoof: { ...base.hwid_spoof, ...p.hwid_spoof },
    webhooks: { ...base.webhooks, ...p.webhooks },
    allowlist: { ...base.allowlist, ...p.allowlist },
  }
}

/** Whether detections must leave this IP or HWID alone (the allow-list in the settings). */
export function allowlisted(s: SecuritySettings, type: string, value: string | null): boolean {
  if (!value) return false
  if (type === 'ip') return s.allowlist.ips.some((ip) => normalizeIp(ip) === normalizeIp(value))
  return type === 'hwid' && s.allowlist.hwids.includes(value.trim())
}

export type Thresholds = ReturnType<typeof createThresholds>
