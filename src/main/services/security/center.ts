import { DomainError } from '@shared/errors'
import type { EventDto, Page } from '@shared/dto'
import {
  SECURITY_EVENT_TYPES,
  type AddBlacklistParsed,
  type AllowSourceInput,
  type BlockHwidParsed,
  type BlockIpParsed,
  type ListBlacklistQuery,
  type ListSecurityEventsQuery,
  type IncidentDto,
  type ListIncidentsQuery,
  type ListSessionsQuery,
  type UpdateSecuritySettingsInput,
  type BlacklistEntryDto,
  type BlacklistType,
  type SecuritySettings,
  type SecurityStatsDto,
  type SessionDto,
} from '@shared/channels/security'
import * as blacklistRepo from '../../db/repositories/blacklist'
import { bumpVersion } from '../../db/repositories/change-versions'
import * as repo from '../../db/repositories/security'
import * as eventsRepo from '../../db/repositories/events'
import { uuid } from '../../crypto/random'
import { type Actor, nowIso, ownerOf, seesAll, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { LicensesService } from '../licenses'
import type { ProductsService } from '../products'
import { normalizeValue } from './matcher'
import { allowlisted, type Thresholds } from './thresholds'
import { toBlacklistDto, toIncidentDto, toSessionDto, zeroFilled } from './dto'

/** The blacklist, the event log, sessions, quick blocks and thresholds, scoped by actor. */
export function createSecurityCenter(
  ctx: ServiceContext,
  deps: {
    events: EventsService
    products: ProductsService
    licenses: LicensesService
    thresholds: Thresholds
    invalidate: () => void
  },
) {
  /** The blacklist and thresholds are installation-wide: admins (and the console) only. */
  function requireAdmin(actor: Actor): void {
    if (!seesAll(actor)) throw new DomainError('FORBIDDEN', 'Admin access required')
  }

  /** The products a `user` account may see security data of; undefined = everything. */
  async function scope(actor: Actor): Promise<string[] | undefined> {
    if (seesAll(actor)) return undefined
    return (await deps.products.list(actor)).map((p) => p.id)
  }

  async function addEntry(
    actor: Actor,
    e: {
      type: BlacklistType
      value: string
      reason: string
      severity: BlacklistEntryDto['severity']
      expires_at: string | null
    },
    extendExisting: boolean,
  ): Promise<BlacklistEntryDto> {
    requireAdmin(actor)
    const now = nowIso(ctx)
    const value = normalizeValue(e.type, e.value)
    const r = await ctx.tx(async (trx) => {
      // The `blacklist` version row is bumped first: its row lock (PostgreSQL) serializes
      // blacklist writers across nodes, so the "already blacklisted" check below decides on
      // what no other node is changing meanwhile; the bump commits with the change, so every
      // node's matcher reloads at its next screen.
      await bumpVersion(trx, 'blacklist')
      const existing = await blacklistRepo.findActiveEntry(trx, e.type, value, now)
      if (existing && existing.source === 'manual') {
        if (!extendExisting)
          throw new DomainError('CONFLICT', `This ${e.type} is already blacklisted`)
        const later =
          existing.expires_at === null ||
          (e.expires_at !== null && existing.expires_at > e.expires_at)
            ? existing.expires_at
            : e.expires_at
        await blacklistRepo.extendBlacklistEntry(
          trx,
          existing.id,
          later,
          e.reason || existing.reason,
        )
        return { id: existing.id, added: false }
      }
      const id = uuid()
      await blacklistRepo.insertBlacklistEntry(trx, {
        id,
        type: e.type,
        value,
        reason: e.reason,
        severity: e.severity,
        is_active: 1,
        expires_at: e.expires_at,
        created_by: ownerOf(actor) ?? actor.kind,
        source: 'manual',
        created_at: now,
      })
      return { id, added: true }
    })
    deps.invalidate()
    const id = r.id
    if (!r.added) return toBlacklistDto((await blacklistRepo.findBlacklistEntry(ctx.db, id))!, now)
    await deps.events.record({
      type: 'security.blacklist_added',
      severity: 'low',
      details: { entry_id: id, type: e.type, value, expires_at: e.expires_at, reason: e.reason },
    })
    return toBlacklistDto((await blacklistRepo.findBlacklistEntry(ctx.db, id))!, now)
  }

  /** Deletes a blacklist entry (every node reloads its matcher) and logs the removal. */
  async function removeEntry(id: string): Promise<void> {
    const row = await ctx.tx(async (trx) => {
      const found = await blacklistRepo.findBlacklistEntry(trx, id)
      if (!found || (await blacklistRepo.deleteBlacklistEntry(trx, id)) === 0) {
        throw new DomainError('NOT_FOUND', 'Blacklist entry not found')
      }
      await bumpVersion(trx, 'blacklist')
      return found
    })
    deps.invalidate()
    await deps.events.record({
      type: 'security.blacklist_removed',
      severity: 'low',
      details: { entry_id: id, type: row.type, value: row.value },
    })
  }

  function hoursFromNow(h: number): string {
    return new Date(ctx.clock().getTime() + h * 3_600_000).toISOString()
  }

  return {
    /** The overview: today's counts, active blacklist and sessions, 30-day breakdowns. */
    async stats(actor: Actor): Promise<SecurityStatsDto> {
      const productIds = await scope(actor)
      const now = ctx.clock()
      const todayStart = new Date(
        Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
      ).toISOString()
      const since = new Date(Date.parse(todayStart) - 29 * 86_400_000).toISOString()
      const iso = now.toISOString()
      const [o, blacklist, sessions] = await Promise.all([
        repo.securityOverview(ctx.db, SECURITY_EVENT_TYPES, todayStart, since, productIds),
        productIds ? Promise.resolve(0) : blacklistRepo.countActiveBlacklist(ctx.db, iso),
        repo.countActiveSessions(ctx.db, iso, productIds),
      ])
      return {
        overview: {
          today_events: o.today_events,
          critical_events: o.critical_events,
          blocked_attempts: o.blocked_attempts,
          active_blacklist: blacklist,
          active_sessions: sessions,
        },
        events_by_type: o.events_by_type,
        events_by_severity: o.events_by_severity,
        daily_trend: zeroFilled(o.daily_trend, since),
      }
    },

    /** The security event log; without `event_type`, every security type of the reference. */
    async events(actor: Actor, f: ListSecurityEventsQuery): Promise<Page<EventDto>> {
      return eventsRepo.listEvents(
        ctx.db,
        {
          eventType: f.event_type,
          types: SECURITY_EVENT_TYPES,
          severity: f.severity,
          licenseId: f.license_id,
          productIds: await scope(actor),
          ip: f.ip_address,
          hwid: f.hwid,
          isBlocked: f.is_blocked,
          startDate: f.start_date && new Date(f.start_date).toISOString(),
          endDate: f.end_date && new Date(f.end_date).toISOString(),
        },
        f.page,
        f.limit,
      )
    },

    /** Security events grouped by rule and source, with the block each still holds. */
    async incidents(actor: Actor, f: ListIncidentsQuery): Promise<IncidentDto[]> {
      requireAdmin(actor)
      const now = nowIso(ctx)
      const since = new Date(ctx.clock().getTime() - f.days * 86_400_000).toISOString()
      const [rows, t] = await Promise.all([
        repo.securityIncidents(ctx.db, SECURITY_EVENT_TYPES, since, f.limit),
        deps.thresholds.get(),
      ])
      const entries = await blacklistRepo.findBlacklistEntries(ctx.db, [
        ...new Set(rows.map((r) => r.entry_id).filter((x): x is string => x !== null)),
      ])
      return rows.map((r) => ({
        ...toIncidentDto(r, entries, now),
        allowlisted: allowlisted(t, r.source_type, r.source),
      }))
    },

    async listBlacklist(actor: Actor, f: ListBlacklistQuery): Promise<Page<BlacklistEntryDto>> {
      requireAdmin(actor)
      const now = nowIso(ctx)
      const { rows, total } = await blacklistRepo.listBlacklist(
        ctx.db,
        { type: f.type, severity: f.severity, isActive: f.is_active, source: f.source, q: f.q },
        now,
        f.page,
        f.limit,
      )
      return { items: rows.map((r) => toBlacklistDto(r, now)), page: f.page, limit: f.limit, total }
    },

    async addBlacklist(actor: Actor, i: AddBlacklistParsed): Promise<BlacklistEntryDto> {
      const expires = i.expires_at ? new Date(i.expires_at).toISOString() : null
      if (expires !== null && expires <= nowIso(ctx)) {
        throw new DomainError('VALIDATION_ERROR', 'expires_at must be in the future')
      }
      return addEntry(
        actor,
        { ...i, value: i.value, reason: i.reason ?? '', expires_at: expires },
        false,
      )
    },

    async removeBlacklist(actor: Actor, id: string): Promise<void> {
      requireAdmin(actor)
      await removeEntry(id)
    },

    /**
     * An incident's source on the detection allow-list: brute-force and spoof detection leave
     * it alone from now on, and the automatic block it holds is lifted (a manual blacklist
     * entry stays: the vendor put it there). Recorded as `security.allowlisted`.
     */
    async allowSource(
      actor: Actor,
      i: AllowSourceInput,
    ): Promise<{ allowlisted: true; unblocked: boolean }> {
      requireAdmin(actor)
      const value = normalizeValue(i.type, i.value)
      const t = await deps.thresholds.get()
      if (!allowlisted(t, i.type, value)) {
        const key = i.type === 'ip' ? 'ips' : 'hwids'
        await deps.thresholds.update({ allowlist: { [key]: [...t.allowlist[key], value] } })
      }
      const entry = await blacklistRepo.findActiveEntry(ctx.db, i.type, value, nowIso(ctx))
      const unblocked = entry?.source === 'detection'
      if (unblocked) await removeEntry(entry.id)
      await deps.events.record({
        type: 'security.allowlisted',
        severity: 'low',
        details: { type: i.type, value, unblocked },
      })
      return { allowlisted: true, unblocked }
    },

    async setBlacklistActive(
      actor: Actor,
      id: string,
      active: boolean,
    ): Promise<BlacklistEntryDto> {
      requireAdmin(actor)
      await ctx.tx(async (trx) => {
        if ((await blacklistRepo.setBlacklistActive(trx, id, active)) === 0) {
          throw new DomainError('NOT_FOUND', 'Blacklist entry not found')
        }
        await bumpVersion(trx, 'blacklist')
      })
      deps.invalidate()
      return toBlacklistDto((await blacklistRepo.findBlacklistEntry(ctx.db, id))!, nowIso(ctx))
    },

    /** Quick action: block an IP (or CIDR) for `duration_hours` (default 24). */
    async blockIp(actor: Actor, i: BlockIpParsed): Promise<BlacklistEntryDto> {
      return addEntry(
        actor,
        {
          type: 'ip',
          value: i.ip,
          reason: i.reason ?? '',
          severity: 'high',
          expires_at: hoursFromNow(i.duration_hours),
        },
        true,
      )
    },

    /** Quick action: block a HWID for `duration_hours` (default 720 = 30 days). */
    async blockHwid(actor: Actor, i: BlockHwidParsed): Promise<BlacklistEntryDto> {
      return addEntry(
        actor,
        {
          type: 'hwid',
          value: i.hwid,
          reason: i.reason ?? '',
          severity: 'high',
          expires_at: hoursFromNow(i.duration_hours),
        },
        true,
      )
    },

    async sessions(actor: Actor, f: ListSessionsQuery): Promise<Page<SessionDto>> {
      const now = nowIso(ctx)
      const { rows, total } = await repo.listSessions(
        ctx.db,
        { licenseId: f.license_id, isActive: f.is_active, productIds: await scope(actor) },
        now,
        f.page,
        f.limit,
      )
      return { items: rows.map((r) => toSessionDto(r, now)), page: f.page, limit: f.limit, total }
    },

    /** Revokes one session; the client's next heartbeat is refused (SESSION_EXPIRED). */
    async revokeSession(actor: Actor, id: string, reason?: string): Promise<SessionDto> {
      const s = await repo.findSession(ctx.db, id)
      const productIds = await scope(actor)
      if (!s || (productIds && !productIds.includes(s.product_id ?? ''))) {
        throw new DomainError('NOT_FOUND', 'Session not found')
      }
      const now = nowIso(ctx)
      const why = reason ?? 'Revoked by admin'
      if (await repo.revokeSession(ctx.db, id, why, now)) {
        await deps.events.record({
          type: 'session.revoked',
          productId: s.product_id,
          licenseId: s.license_id,
          hwid: s.hwid,
          ip: s.ip,
          details: { session_id: id, reason: why },
        })
      }
      return toSessionDto((await repo.findSession(ctx.db, id))!, now)
    },

    /** Suspends a license with a reason and ends all its sessions (the lifecycle's suspend). */
    async suspendLicense(actor: Actor, licenseId: string, reason: string) {
      const r = await deps.licenses.transition(actor, licenseId, { kind: 'suspend', reason })
      return { license_id: licenseId, sessions_revoked: r.sessions_revoked }
    },

    async settings(actor: Actor): Promise<SecuritySettings> {
      requireAdmin(actor)
      return deps.thresholds.get()
    },

    async updateSettings(
      actor: Actor,
      patch: UpdateSecuritySettingsInput,
    ): Promise<SecuritySettings> {
      requireAdmin(actor)
      const next = await deps.thresholds.update(patch)
      await deps.events.record({
        type: 'security.settings_updated',
        severity: 'low',
        details: { patch },
      })
      return next
    },

    /** Thresholds for other services (webhook target policy); no actor check. */
    thresholds: deps.thresholds.get,
  }
}
