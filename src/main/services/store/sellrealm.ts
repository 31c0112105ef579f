import { DomainError } from '@shared/errors'
import * as machines from '../../db/repositories/machines'
import type { LicenseCheckRow } from '../../db/repositories/machines'
import * as storeRepo from '../../db/repositories/store'
import { nowIso, type ServiceContext } from '../context'
import type { EventsService, RecordEvent } from '../events'
import type { LicenseLifecycle, Origin } from '../licenses/lifecycle'
import type { LicensingService, LicenseView } from '../licensing'
import { decideStatus } from '../licensing/decide'
import { isLive, type SessionsService } from '../sessions'
import type { SecurityService } from '../security'
import type { VariablesService, VariableValue } from '../variables'

/** Where a SellRealm call comes from (recorded with every event). */
export interface Caller {
  /** The owner the auth_secret opened (null = the installation). */
  ownerId: string | null
  ip: string | null
  userAgent: string | null
}

export interface LoginResult {
  sessionId: string
  sessionExpiresAt: string
  nonce: string
  license: LicenseView
  variables: Record<string, VariableValue>
  /** Set within the license's grace period (expired, still valid). */
  graceUntil: string | null
}

export interface CheckResult {
  nonce: string
  sessionExpiresAt: string
  license: LicenseView
  graceUntil: string | null
}

/**
 * The SellRealm License API's operations over the one engine: login and check_session go
 * through services.licensing (which decides every refusal), HWID and ban operations act on
 * a key the caller's auth_secret owns. A key of another owner reads exactly like a wrong key.
 */
export function createSellRealmService(
  ctx: ServiceContext,
  deps: {
    events: EventsService
    licensing: LicensingService
    sessions: SessionsService
    security: SecurityService
    variables: VariablesService
    lifecycle: LicenseLifecycle
  },
) {
  /** The key's row when the caller owns it; else LICENSE_NOT_FOUND ("Invalid key or auth secret"). */
  async function owned(c: Caller, key: string): Promise<LicenseCheckRow> {
    return ownedRow(c, await machines.findLicenseForCheck(ctx.db, key))
  }

  function ownedRow(c: Caller, row: LicenseCheckRow | undefined): LicenseCheckRow {
    if (!row || row.product_owner !== c.ownerId)
      throw new DomainError('LICENSE_NOT_FOUND', 'Invalid license key')
    return row
  }

  /** Key operations refuse a banned or suspended key, as the engine decides it. */
  async function usable(c: Caller, key: string): Promise<LicenseCheckRow> {
    const row = await owned(c, key)
    decideStatus(row, nowIso(ctx), { allowExpired: true })
    return row
  }

  /** What a lifecycle event records of a SellRealm caller. */
  const origin = (c: Caller): Origin => ({
    ip: c.ip,
    userAgent: c.userAgent,
    details: { protocol: 'sellrealm' },
  })

  function eventOf(
    type: string,
    c: Caller,
    row: LicenseCheckRow,
    details: Record<string, unknown>,
  ): RecordEvent {
    return {
      type,
      severity: 'info',
      productId: row.product_id,
      licenseId: row.id,
      ip: c.ip,
      userAgent: c.userAgent,
      details: { protocol: 'sellrealm', ...details },
    }
  }

  /** A nonce that is not the session's current one: a replay, reported and refused. */
  async function refuseNonce(c: Caller, row: LicenseCheckRow, hwid: string | null): Promise<never> {
    await deps.security.reportReplay({
      kind: 'nonce',
      ip: c.ip,
      hwid,
      productId: row.product_id,
      licenseId: row.id,
      userAgent: c.userAgent,
      protocol: 'sellrealm',
      reason: 'nonce_replayed',
    })
    throw new DomainError('SECURITY_VIOLATION', 'Invalid nonce (replayed or out of order)', {
      reason: 'nonce_replayed',
    })
  }

  return {
    /** Verify key / login: the engine binds the machine and opens a session with a nonce. */
    async login(
      c: Caller,
      i: { key: string; hwid: string; productNum: number },
    ): Promise<LoginResult> {
      await owned(c, i.key)
      const r = await deps.licensing.activate({
        licenseKey: i.key,
        productNum: i.productNum,
        hwid: i.hwid,
        ip: c.ip,
        userAgent: c.userAgent,
        protocol: 'sellrealm',
        withNonce: true,
      })
      return {
        sessionId: r.session.token,
        sessionExpiresAt: r.session.expires_at,
        nonce: r.session.nonce!,
        license: r.license,
        variables: await deps.variables.forLicense(r.license.product_id, r.license.id),
        graceUntil: r.graceUntil,
      }
    },

    /**
     * check_session: the engine re-checks the key on the session's machine; then the presented
     * nonce must be the current one and is swapped for a new one. An old nonce is a replay.
     */
    async checkSession(
      c: Caller,
      i: { sessionId: string; nonce: string; productNum: number },
    ): Promise<CheckResult> {
      const s = await deps.sessions.findByToken(ctx.db, i.sessionId)
      // Only a session opened with a rotating nonce (login) can be continued by its nonce.
      if (!s || s.nonce === null)
        throw new DomainError('SESSION_EXPIRED', 'Invalid session', {
          reason: 'session_unknown',
        })
      const license = await machines.findLicenseForCheckById(ctx.db, s.license_id)
      if (!license)
        throw new DomainError('SESSION_EXPIRED', 'Invalid session', {
          reason: 'session_unknown',
        })
      const row = ownedRow(c, license)
      const key = row.key
      // The engine's verdict first: a banned key answers "Key has been banned", not "expired".
      // check_session is SellRealm's heartbeat: it keeps the machine's floating seat. The nonce
      // swap is one conditional UPDATE in the check's own transaction (one unit of the turn's
      // batch on SQLite, answered once committed): of two checks presenting the same nonce, on
      // any node or worker, exactly one finds it current.
      const v = await deps.licensing.validate(
        {
          licenseKey: key,
          productNum: i.productNum,
          hwid: s.hwid,
          ip: c.ip,
          userAgent: c.userAgent,
          protocol: 'sellrealm',
        },
        {
          keepSeat: true,
          read: { row },
          also: async (d) => {
            if (s.revoked_at !== null) return { refused: 'terminated' as const }
            if (!isLive(s, d.nowIso, '')) return { refused: 'expired' as const }
            const minutes = d.policy.session_minutes
            const o = { ip: c.ip, minutes, now: d.now }
            return {
              nonce: await deps.sessions.rotateNonce(d.ex, s, i.nonce, o),
              minutes,
              now: d.now,
            }
          },
        },
      )
      const rotated = v.also!
      if ('refused' in rotated && rotated.refused === 'terminated')
        throw new DomainError('SESSION_EXPIRED', 'Session has been terminated', {
          reason: 'session_terminated',
        })
      if ('refused' in rotated) throw new DomainError('SESSION_EXPIRED', 'Session has expired')
      const { nonce: next, minutes, now } = rotated
      if (!next) {
        return refuseNonce(c, row, s.hwid)
      }
      return {
        nonce: next,
        sessionExpiresAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
        license: v.license,
        graceUntil: v.graceUntil,
      }
    },

    /** The HWID the key is bound to (its first machine), or null. */
    async getHwid(c: Caller, key: string): Promise<string | null> {
      const row = await usable(c, key)
      return storeRepo.firstHwid(ctx.db, row.id)
    },

    /** Frees every machine binding and ends the key's sessions (the lifecycle's reset). */
    async resetHwid(c: Caller, key: string): Promise<void> {
      const row = await usable(c, key)
      await deps.lifecycle.apply(row.id, { kind: 'reset_hwid' }, origin(c))
    },

    /** Binds the key to exactly this HWID (replacing any other binding), in one transaction. */
    async restoreHwid(c: Caller, key: string, hwid: string): Promise<void> {
      const row = await usable(c, key)
      await deps.lifecycle.apply(row.id, { kind: 'restore_hwid', hwid }, origin(c))
    },

    /** Ends one session of the key; the nonce must be the current one. */
    async terminateSession(
      c: Caller,
      i: { key: string; sessionId: string; nonce: string },
    ): Promise<void> {
      const row = await usable(c, i.key)
      const s = await deps.sessions.findByToken(ctx.db, i.sessionId)
      if (!s || s.license_id !== row.id)
        throw new DomainError('SESSION_EXPIRED', 'Invalid session', {
          reason: 'session_unknown',
        })
      if (s.revoked_at !== null)
        throw new DomainError('SESSION_EXPIRED', 'Session has been terminated', {
          reason: 'session_terminated',
        })
      if (s.nonce !== i.nonce) {
        return refuseNonce(c, row, s.hwid)
      }
      // The revocation and its event commit together.
      const event = await ctx.tx(async (trx) => {
        await deps.sessions.revoke(trx, s.id, 'terminated', ctx.clock())
        return deps.events.insert(trx, eventOf('session.terminated', c, row, { session_id: s.id }))
      })
      deps.events.publish(event)
    },

    /** A custom audit entry from the vendor's app. */
    async logAction(
      c: Caller,
      i: { key: string; actionType: string; actionDetails: string | null },
    ): Promise<void> {
      const row = await usable(c, i.key)
      await deps.events.record(
        eventOf('custom_action', c, row, {
          action_type: i.actionType,
          action_details: i.actionDetails,
        }),
      )
    },

    /** Bans the key for good and ends all its sessions; every surface then refuses it. */
    async ban(c: Caller, i: { key: string; reason: string | null }): Promise<void> {
      const row = await owned(c, i.key)
      if (row.status === 'banned') throw new DomainError('LICENSE_BANNED', 'Key has been banned')
      await deps.lifecycle.apply(
        row.id,
        { kind: 'ban', reason: i.reason ?? 'Banned via SellRealm API' },
        origin(c),
      )
    },
  }
}

export type SellRealmService = ReturnType<typeof createSellRealmService>
