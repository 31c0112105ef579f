import { sealedAad } from '../../crypto/seal'
import { randomBytes } from 'node:crypto'
import { DomainError } from '@shared/errors'
import {
  DEFAULT_SETTINGS,
  settingsSchema,
  type SettingsDto,
  type UpdateSettingsInput,
} from '@shared/accounts'
import * as repo from '../../db/repositories/settings'
import { bumpVersion } from '../../db/repositories/change-versions'
import { type Actor, nowIso, seesAll, type ServiceContext } from '../context'
import { AddressList, isLoopbackIp } from './trust'
import { createVersionWatch } from './versions'

/** Where requests may come from and through: the settings plus what the command line added. */
export interface Trust {
  /** Proxies whose forwarding headers are believed. */
  trustedProxies: AddressList
  /** Extra host names the management API and the console answer to. */
  allowedHosts: ReadonlySet<string>
}

/** Settings rows live under this prefix; installation secrets under `secret.`. */
const PREFIX = 'setting.'
const SECRET_PREFIX = 'secret.'

/**
 * How stale a node's settings may be: a change committed on one node applies on every other
 * node from its first request (or new connection) that starts more than this long after the
 * commit. Settings are read on every request (trust lists, connection limits), so each node
 * checks the `settings` change version at most once per this interval instead of per request.
 */
export const SETTINGS_STALE_MS = 1000

/**
 * The installation's settings (registration, token lifetime, API rate limit) and its
 * internal secrets (the JWT signing key). Values are cached in memory and reloaded when the
 * `settings` change version moves (bumped in every settings transaction, on any node; see
 * SETTINGS_STALE_MS). A reload that finds another node's change tells the `onChange`
 * listeners too, so derived state (the client API's limits) follows.
 */
export function createSettingsService(ctx: ServiceContext) {
  let cache: SettingsDto | null = null
  let cacheVersion = -1
  const version = createVersionWatch(ctx, 'settings', SETTINGS_STALE_MS)
  const secrets = new Map<string, Uint8Array>()
  const listeners: ((s: SettingsDto) => void)[] = []
  // Added at start by `--trusted-proxy` / `--allowed-host` and their environment variables.
  let startup = { trustedProxies: [] as string[], allowedHosts: [] as string[] }
  let trust: Trust | null = null

  async function load(fresh = false): Promise<SettingsDto> {
    const v = await version.current(fresh)
    if (cache && cacheVersion === v) return cache
    const changedElsewhere = cache !== null
    const stored = await repo.allSettings(ctx.db)
    const raw: Record<string, unknown> = {}
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof SettingsDto)[]) {
      const text = stored.get(PREFIX + key)
      if (text === undefined) continue
      try {
        raw[key] = JSON.parse(text)
      } catch {
        // A corrupt value falls back to its default rather than locking the admin out.
      }
    }
    const parsed = settingsSchema.partial().safeParse(raw)
    const next: SettingsDto = { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) }
    cache = next
    cacheVersion = v
    trust = null
    if (changedElsewhere) for (const l of listeners) l(next)
    return next
  }

  async function currentTrust(): Promise<Trust> {
    const s = await load()
    if (trust) return trust
    trust = {
      trustedProxies: new AddressList([...s.trusted_proxies, ...startup.trustedProxies]),
      allowedHosts: new Set(
        [...s.allowed_hosts, ...startup.allowedHosts].map((h) => h.toLowerCase()),
      ),
    }
    return trust
  }

  function requireAdmin(actor: Actor): void {
    if (!seesAll(actor)) throw new DomainError('FORBIDDEN', 'Only an admin can change settings')
  }

  return {
    /** Current settings (defaults for what was never set). */
    get: () => load(),

    /**
     * The cached value when loaded (for hot paths such as the rate limiter), else defaults.
     * Also starts a reload in the background when the cache may be stale, so a change on
     * another node reaches synchronous readers within SETTINGS_STALE_MS plus one read.
     */
    peek(): SettingsDto {
      void load().catch(() => undefined)
      return cache ?? DEFAULT_SETTINGS
    },

    async update(actor: Actor, patch: UpdateSettingsInput): Promise<SettingsDto> {
      requireAdmin(actor)
      const now = nowIso(ctx)
      await ctx.tx(async (trx) => {
        for (const [k, v] of Object.entries(patch)) {
          if (v !== undefined) await repo.putSetting(trx, PREFIX + k, JSON.stringify(v), now)
        }
        await bumpVersion(trx, 'settings')
      })
      cache = null
      trust = null
      const next = await load(true)
      for (const l of listeners) l(next)
      return next
    },

    /** Adds the command line's trusted proxies and host names to the settings' own. */
    addStartupTrust(extra: { trustedProxies?: string[]; allowedHosts?: string[] }): void {
      startup = {
        trustedProxies: extra.trustedProxies ?? [],
        allowedHosts: extra.allowedHosts ?? [],
      }
      trust = null
    },

    /** The effective trust lists (settings and start-up additions), rebuilt after changes. */
    trust: currentTrust,

    /** Addresses automatic blocks must never target: this machine and trusted proxies. */
    async neverBlock(ip: string): Promise<boolean> {
      return isLoopbackIp(ip) || (await currentTrust()).trustedProxies.has(ip)
    },

    /** Calls `listener` with the new settings after every change. */
    onChange(listener: (s: SettingsDto) => void): void {
      listeners.push(listener)
    },

    /**
     * A per-installation secret of `bytes` random bytes, created on first use and kept in the
     * settings table. Never exposed through `get()`.
     */
    async secret(name: string, bytes = 64): Promise<Uint8Array> {
      const known = secrets.get(name)
      if (known) return known
      // Stored sealed under master.key (bound to its settings key), never in clear.
      const aad = sealedAad.setting(SECRET_PREFIX + name)
      const stored = await repo.putSettingIfAbsent(
        ctx.db,
        SECRET_PREFIX + name,
        JSON.stringify(ctx.secrets.seal(randomBytes(bytes).toString('base64url'), aad)),
        nowIso(ctx),
      )
      const opened = ctx.secrets.open(JSON.parse(stored) as string, aad)
      const value = new Uint8Array(Buffer.from(opened, 'base64url'))
      secrets.set(name, value)
      return value
    },
  }
}

export type SettingsService = ReturnType<typeof createSettingsService>
