import type { BlacklistType } from '@shared/channels/security'
import * as blacklistRepo from '../../db/repositories/blacklist'
import { bumpVersion } from '../../db/repositories/change-versions'
import { createVersionWatch } from '../settings/versions'
import { uuid } from '../../crypto/random'
import { nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { LicensesService } from '../licenses'
import type { ProductsService } from '../products'
import { implausibleHwid } from './hwid'
import { BlacklistMatcher, normalizeIp, normalizeValue } from './matcher'
import { allowlisted, createThresholds } from './thresholds'
import { SharedWindowCounter, SightingWindowCounter, Throttle, WindowCounter } from './window'
import { createSecurityCenter } from './center'

/** What a client request presents; every field is optional because protocols differ. */
export interface ScreenInput {
  ip?: string | null
  hwid?: string | null
  licenseKey?: string | null
  fingerprint?: string | null
  /** Context for the recorded event, when the caller knows it. */
  productId?: string | null
  licenseId?: string | null
  userAgent?: string | null
}

/**
 * A refusal by the security layer. The engine turns it into
 * `DomainError('BLACKLISTED', 'Access denied', { security_blocked: true, security_details: { reason, type } })`.
 */
export interface SecurityBlock {
  reason: 'blacklist_hit' | 'temporary_block'
  type: BlacklistType
  /** The blacklist entry that blocked (not part of the wire answer). */
  entry_id: string
}

export interface FailureInput {
  ip?: string | null
  hwid?: string | null
  licenseKey?: string | null
  /** The refusal's error code (LICENSE_NOT_FOUND, HWID_MISMATCH, ...). */
  reason: string
  productId?: string | null
  userAgent?: string | null
}

export interface ReplayInput {
  /** What was replayed: an encrypted envelope, a rotating nonce, a challenge, a signature. */
  kind: 'envelope' | 'nonce' | 'challenge' | 'signature' | string
  ip?: string | null
  hwid?: string | null
  productId?: string | null
  licenseId?: string | null
  userAgent?: string | null
  protocol?: string
  /** A neutral reason code (e.g. `nonce_replayed`); each adapter words it for its clients. */
  reason?: string
}

/**
 * The security layer every client surface goes through: the blacklist screen, brute-force
 * and HWID-spoof detection, replay reporting, and (via `center`) the security center's
 * management operations. (Session hijack is decided where sessions are checked: the
 * licensing engine's heartbeat revokes the session and records `session_hijack`.)
 */
export function createSecurityService(
  ctx: ServiceContext,
  deps: {
    events: EventsService
    products: ProductsService
    licenses: LicensesService
    /** This machine and trusted proxies are never blocked automatically. */
    neverBlock?: (ip: string) => Promise<boolean>
  },
) {
  let matcher: BlacklistMatcher | null = null
  // The `blacklist` change version the matcher was built at: checked before every screen, so
  // a ban committed on any node refuses here from the next request on (see VersionWatch for
  // the cost: nothing on SQLite while nothing was written, one primary-key read on PostgreSQL).
  let matcherVersion = -1
  let loading: { version: number; matcher: Promise<BlacklistMatcher> } | null = null
  // Bumped by every change, so that a load started before the change cannot install stale data.
  let generation = 0
  const blacklistVersion = createVersionWatch(ctx, 'blacklist')
  // Brute-force detection must hold across nodes (a sweep split over N nodes would otherwise
  // get N times the failures): its windows are in the database. Failures are rare next to
  // requests, so the write per failure costs little.
  const failures = new SharedWindowCounter(ctx)
  // HWID-spoof heuristics run on every request that presents a HWID. One process (SQLite
  // alone): in memory. Several (workers, nodes): shared, written only when a process sees a
  // HWID/key/IP combination first (SightingWindowCounter), so repeats cost no write and every
  // process counts what all of them saw. A restart of one process only starts its memory anew.
  const spoof: WindowCounter | SightingWindowCounter = ctx.changes.shared
    ? new SightingWindowCounter(ctx)
    : new WindowCounter()
  const flagged = new Throttle()
  const thresholds = createThresholds(ctx)

  async function getMatcher(): Promise<BlacklistMatcher> {
    // The version is read before the rows: a change landing in between moves the version
    // again, so the next screen reloads.
    // After this process's own change (invalidate) the version is read afresh, so the
    // rebuilt matcher is tagged with it rather than with one the watch remembered.
    const version = await blacklistVersion.current(matcher === null)
    if (matcher && matcherVersion === version) return matcher
    if (!loading || loading.version !== version) {
      const gen = generation
      const mine = {
        version,
        matcher: blacklistRepo.listActiveBlacklist(ctx.db, nowIso(ctx)).then((rows) => {
          const m = new BlacklistMatcher(rows)
          if (gen === generation) {
            matcher = m
            matcherVersion = version
          }
          return m
        }),
      }
      loading = mine
      void mine.matcher.then(
        () => (loading === mine ? (loading = null) : undefined),
        () => (loading === mine ? (loading = null) : undefined),
      )
    }
    return loading.matcher
  }

  /** Drops the in-memory blacklist; the next screen reloads it. Called after every change. */
  function invalidate(): void {
    generation++
    matcher = null
    loading = null
  }

  /**
   * Blocks `type`/`value` until now + `minutes` as a detection (a temporary block), extending
   * an existing one rather than piling up rows.
   */
  async function temporaryBlock(
    type: BlacklistType,
    value: string,
    minutes: number,
    reason: string,
  ) {
    const now = nowIso(ctx)
    const v = normalizeValue(type, value)
    const until = new Date(ctx.clock().getTime() + minutes * 60_000).toISOString()
    const r = await ctx.tx(async (trx) => {
      // Bumped first: the update takes the `blacklist` version row's lock (PostgreSQL), which
      // serializes blacklist writers across nodes, so two nodes detecting one attacker at
      // once extend one entry instead of inserting two. Blacklist writes are rare.
      await bumpVersion(trx, 'blacklist')
      const existing = await blacklistRepo.findActiveEntry(trx, type, v, now)
      if (existing && existing.source === 'detection') {
        await blacklistRepo.extendBlacklistEntry(trx, existing.id, until, reason)
        return { id: existing.id, changed: true }
      }
      // A manual entry already blocks it for at least as long.
      if (existing) return { id: existing.id, changed: false }
      const id = uuid()
      await blacklistRepo.insertBlacklistEntry(trx, {
        id,
        type,
        value: v,
        reason,
        severity: 'high',
        is_active: 1,
        expires_at: until,
        created_by: 'system',
        source: 'detection',
        created_at: now,
      })
      return { id, changed: true }
    })
    if (r.changed) invalidate()
    return r.id
  }

  /**
   * HWID-spoof heuristics over what a request presents (see hwid.ts for single values):
   * - one HWID presenting many distinct license keys from three or more IPs within the
   *   window: a HWID cloned or reported by a spoofing tool to many buyers' keys (an honest
   *   machine holds a few keys and moves between a few networks);
   * - one IP presenting many distinct HWIDs for one license key within the window: a HWID
   *   randomiser cycling values to get past the HWID lock / max_uses.
   * Each fires once per burst (the counter resets) and records `hwid_spoof_attempt`.
   */
  async function spoofHeuristics(i: ScreenInput): Promise<SecurityBlock | null> {
    if (!i.hwid) return null
    const t = await thresholds.get()
    const nowMs = ctx.clock().getTime()
    const windowMs = t.hwid_spoof.window_seconds * 1000
    const findings: { heuristic: string; count?: number }[] = []
    const bad = implausibleHwid(i.hwid)
    // One event per implausible HWID per window, not one per request.
    if (bad && flagged.first(i.hwid, nowMs, windowMs)) findings.push({ heuristic: bad })
    if (i.licenseKey) {
      const key = normalizeValue('license', i.licenseKey)
      const keys = await spoof.add(`hk\u0000${i.hwid}`, key, nowMs, windowMs)
      const ips = i.ip
        ? await spoof.add(`hi\u0000${i.hwid}`, normalizeIp(i.ip), nowMs, windowMs)
        : 1
      if (keys >= t.hwid_spoof.max_keys_per_hwid && ips >= 3) {
        findings.push({ heuristic: 'hwid_shared_across_keys', count: keys })
        await spoof.reset(`hk\u0000${i.hwid}`)
        await spoof.reset(`hi\u0000${i.hwid}`)
      }
      if (i.ip) {
        const k = `kh\u0000${key}\u0000${normalizeIp(i.ip)}`
        const hwids = await spoof.add(k, i.hwid, nowMs, windowMs)
        if (hwids >= t.hwid_spoof.max_hwids_per_key) {
          findings.push({ heuristic: 'hwid_rotation', count: hwids })
          await spoof.reset(k)
        }
      }
    }
    if (findings.length === 0) return null
    const rotate = findings.some((f) => f.heuristic !== bad)
    const block = rotate && t.hwid_spoof.action === 'block' && !allowlisted(t, 'hwid', i.hwid)
    let entryId: string | null = null
    if (block) {
      entryId = await temporaryBlock(
        'hwid',
        i.hwid,
        t.brute_force.block_minutes,
        'HWID spoofing detected',
      )
    }
    await deps.events.record({
      type: 'hwid_spoof_attempt',
      severity: rotate ? 'high' : 'medium',
      productId: i.productId,
      licenseId: i.licenseId,
      hwid: i.hwid,
      ip: i.ip,
      userAgent: i.userAgent,
      blocked: block,
      details: { findings, window_seconds: t.hwid_spoof.window_seconds },
    })
    return block && entryId ? { reason: 'temporary_block', type: 'hwid', entry_id: entryId } : null
  }

  /** The first blacklist entry matching what the request presents, recorded as a hit. */
  async function firstHit(i: ScreenInput, types: BlacklistType[]): Promise<SecurityBlock | null> {
    const m = await getMatcher()
    const now = nowIso(ctx)
    const values: Record<BlacklistType, string | null | undefined> = {
      ip: i.ip,
      hwid: i.hwid,
      license: i.licenseKey,
      fingerprint: i.fingerprint,
    }
    for (const type of types) {
      const value = values[type]
      if (!value) continue
      const hit = m.match(type, value, now)
      if (!hit) continue
      const reason = hit.source === 'detection' ? 'temporary_block' : 'blacklist_hit'
      await deps.events.record({
        type: 'blacklist_hit',
        severity: hit.severity,
        productId: i.productId,
        licenseId: i.licenseId,
        hwid: i.hwid,
        ip: i.ip,
        userAgent: i.userAgent,
        blocked: true,
        details: { reason, type, entry_id: hit.id },
      })
      return { reason, type, entry_id: hit.id }
    }
    return null
  }

  const center = createSecurityCenter(ctx, { ...deps, invalidate, thresholds })

  return {
    /**
     * Checks what a client request presents against the blacklist (IP, HWID, license key,
     * fingerprint, in that order) and the HWID-spoof heuristics. Returns the block, after
     * recording a `blacklist_hit` event, or null. Never throws a refusal itself. Cost: a
     * few in-memory map lookups; the blacklist is loaded once and reloaded after changes.
     */
    async screen(i: ScreenInput): Promise<SecurityBlock | null> {
      return (await firstHit(i, ['ip', 'hwid', 'license', 'fingerprint'])) ?? spoofHeuristics(i)
    },

    /**
     * The part of the screen that needs no license: a blocked IP, HWID or fingerprint. The
     * engine runs it before it even looks the key up, so a blocked caller gets the same
     * answer for every key and cannot learn which keys exist (no enumeration oracle).
     */
    async screenCaller(i: ScreenInput): Promise<SecurityBlock | null> {
      return firstHit(i, ['ip', 'hwid', 'fingerprint'])
    },

    /**
     * Notes a refused client request for brute-force detection: once one IP, or one HWID,
     * has failed with `max_failures` distinct license keys within `window_seconds`, it is
     * blocked for `block_minutes` (a `detection` blacklist entry, client surfaces only) and a
     * `brute_force` event is recorded. Returns the new block, or null.
     */
    async noteFailure(f: FailureInput): Promise<SecurityBlock | null> {
      const settings = await thresholds.get()
      const t = settings.brute_force
      const nowMs = ctx.clock().getTime()
      // Without a key every failure counts as a new guess.
      const member = f.licenseKey
        ? normalizeValue('license', f.licenseKey)
        : `#${nowMs}:${Math.random()}`
      const subjects: [BlacklistType, string][] = []
      // Never this machine or a trusted proxy: behind one, `f.ip` is already the forwarded
      // client (request-origin model), and blocking the proxy would refuse every shipped app.
      // Nor a source the vendor allow-listed from an incident.
      if (f.ip && !(await deps.neverBlock?.(f.ip)) && !allowlisted(settings, 'ip', f.ip))
        subjects.push(['ip', normalizeIp(f.ip)])
      if (f.hwid && !allowlisted(settings, 'hwid', f.hwid)) subjects.push(['hwid', f.hwid.trim()])
      for (const [type, value] of subjects) {
        const k = `${type}\u0000${value}`
        const n = await failures.add(k, member, nowMs, t.window_seconds * 1000)
        if (n < t.max_failures) continue
        await failures.reset(k)
        const entryId = await temporaryBlock(type, value, t.block_minutes, 'Brute force detected')
        await deps.events.record({
          type: 'brute_force',
          severity: 'high',
          productId: f.productId,
          hwid: f.hwid,
          ip: f.ip,
          userAgent: f.userAgent,
          blocked: true,
          details: {
            subject: type,
            failed_keys: n,
            window_seconds: t.window_seconds,
            block_minutes: t.block_minutes,
            last_reason: f.reason,
            entry_id: entryId,
          },
        })
        return { reason: 'temporary_block', type, entry_id: entryId }
      }
      return null
    },

    /** Records a replayed envelope, nonce, challenge or signature (the caller refuses it). */
    async reportReplay(r: ReplayInput): Promise<void> {
      await deps.events.record({
        type: 'replay_attack',
        severity: 'high',
        productId: r.productId,
        licenseId: r.licenseId,
        hwid: r.hwid,
        ip: r.ip,
        userAgent: r.userAgent,
        blocked: true,
        details: {
          kind: r.kind,
          ...(r.protocol && { protocol: r.protocol }),
          ...(r.reason && { reason: r.reason }),
        },
      })
    },

    /** The security center's management operations (routes and console). */
    ...center,
  }
}

export type SecurityService = ReturnType<typeof createSecurityService>
