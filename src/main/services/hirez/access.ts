import { DomainError, type ErrorCode } from '@shared/errors'
import type { HirezLimits } from '@shared/hirez'
import * as repo from '../../db/repositories/hirez'
import { hitWindow } from '../../db/repositories/counters'
import { sealedAad } from '../../crypto/seal'
import { randomAlnum, sha256Hex } from '../../crypto/random'
import { CONSOLE, type Actor, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import { dailyKeys, limitsOf } from './credentials'
import { readTimestamp, signatureMatches, utcDayOf } from './signature'

/**
 * Why a signed call is refused: neutral reasons that the adapter words in the reference's
 * strings (protocols/hirez/errors.ts), each with the ErrorCode other surfaces would use.
 */
export const HIREZ_REFUSALS = {
  developer_unknown: 'UNAUTHORIZED',
  developer_revoked: 'UNAUTHORIZED',
  developer_signature: 'UNAUTHORIZED',
  signature_invalid: 'UNAUTHORIZED',
  timestamp_format: 'VALIDATION_ERROR',
  timestamp_invalid: 'VALIDATION_ERROR',
  timestamp_window: 'VALIDATION_ERROR',
  session_invalid: 'SESSION_EXPIRED',
  concurrent_sessions: 'RATE_LIMITED',
  daily_sessions: 'RATE_LIMITED',
  daily_requests: 'RATE_LIMITED',
  allotment_exhausted: 'FORBIDDEN',
} as const satisfies Record<string, ErrorCode>
export type HirezRefusal = keyof typeof HIREZ_REFUSALS

export function refuse(
  reason: HirezRefusal,
  message: string,
  details: Record<string, unknown> = {},
): DomainError {
  return new DomainError(HIREZ_REFUSALS[reason], message, { ...details, reason })
}

/** One signed call as the URL carries it. */
export interface SignedCall {
  /** The method, lowercase, without its response format (`createsession`). */
  method: string
  devId: string
  signature: string
  timestamp: string
  /** Every method but createsession (and ping) names its session. */
  session?: string
  ip?: string
}

/** A credential that signed a call: who it acts as and what it may touch. */
export interface HirezAuth {
  devId: number
  actor: Actor
  /** Product ids it is narrowed to; empty = every product of its account. */
  productIds: string[]
  limits: HirezLimits
}

/** What getdataused answers. */
export interface DataUsed {
  active_sessions: number
  sessions_today: number
  requests_today: number
  limits: HirezLimits
}

const TOUCH_INTERVAL_MS = 60_000

/**
 * The gate of every signed call (devId, timestamp window, MD5 signature, daily request quota,
 * session) and the sessions themselves. All state is in the database (sessions in
 * `hirez_sessions`, daily counts in `counters`), so nodes sharing one PostgreSQL agree.
 */
export function createHirezAccess(ctx: ServiceContext, deps: { events: EventsService }) {
  let windowMs = 5 * 60_000

  async function authenticate(call: SignedCall): Promise<HirezAuth> {
    const devId = /^\d{1,9}$/.test(call.devId) ? Number(call.devId) : NaN
    const d = Number.isNaN(devId) ? undefined : await repo.findDeveloper(ctx.db, devId)
    if (!d) throw refuse('developer_unknown', 'Unknown developer id')
    if (d.revoked_at || (d.account_id !== null && d.account_active !== 1)) {
      throw refuse('developer_revoked', 'Developer credential is revoked')
    }
    const ts = readTimestamp(call.timestamp)
    if (!ts.ok) throw refuse(ts.reason, 'Bad timestamp')
    const now = ctx.clock()
    if (Math.abs(now.getTime() - ts.at.getTime()) > windowMs) {
      throw refuse('timestamp_window', 'Timestamp outside the accepted window')
    }
    const authKey = ctx.secrets.open(d.auth_key_sealed, sealedAad.hirezAuthKey(devId))
    if (!signatureMatches(call.signature, devId, call.method, authKey, call.timestamp)) {
      throw refuse(
        call.method === 'createsession' ? 'developer_signature' : 'signature_invalid',
        'Invalid signature',
      )
    }
    // Counted once the signature holds: nobody else can spend a credential's quota.
    const { day, endsAt } = utcDayOf(now)
    const nowIso = now.toISOString()
    const used = await hitWindow(ctx.db, dailyKeys(devId, day).requests, nowIso, endsAt)
    if (used.n > d.max_daily_requests) {
      throw refuse('daily_requests', 'Daily request limit reached', {
        limit: d.max_daily_requests,
      })
    }
    const stale = new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString()
    await repo.touchDeveloper(ctx.db, devId, nowIso, stale)
    if (call.session !== undefined) {
      const live =
        /^[A-Za-z0-9]{1,64}$/.test(call.session) &&
        (await repo.sessionLive(ctx.db, sha256Hex(call.session), devId, nowIso))
      if (!live) throw refuse('session_invalid', 'Invalid session id')
    }
    return {
      devId,
      actor: d.account_id
        ? { kind: 'account', accountId: d.account_id, role: d.account_role! }
        : CONSOLE,
      productIds: JSON.parse(d.product_ids) as string[],
      limits: limitsOf(d),
    }
  }

  return {
    /** The accepted distance between a call's timestamp and the server's clock (default ±5 min). */
    configure(opts: { timestampWindowMs?: number }): void {
      if (opts.timestampWindowMs !== undefined) windowMs = opts.timestampWindowMs
    },

    authenticate,

    /**
     * A new session for a credential that signed createsession: refused at its concurrent
     * sessions (live ones, counted under the credential's row lock so two nodes take turns)
     * and at its daily sessions (the day's counter, rolled back with a refused session).
     */
    async createSession(
      auth: HirezAuth,
      ip?: string,
    ): Promise<{ sessionId: string; createdAt: Date }> {
      const now = ctx.clock()
      const nowIso = now.toISOString()
      const { day, endsAt } = utcDayOf(now)
      const sessionId = randomAlnum(32)
      const l = auth.limits
      try {
        await ctx.tx(async (trx) => {
          await repo.lockDeveloper(trx, auth.devId)
          await repo.purgeSessions(trx, auth.devId, nowIso)
          const live = (await repo.countLiveSessions(trx, [auth.devId], nowIso)).get(auth.devId)
          if ((live ?? 0) >= l.concurrent_sessions) {
            throw refuse('concurrent_sessions', 'Maximum number of active sessions reached', {
              limit: l.concurrent_sessions,
            })
          }
          const today = await hitWindow(trx, dailyKeys(auth.devId, day).sessions, nowIso, endsAt)
          if (today.n > l.daily_sessions) {
            throw refuse('daily_sessions', 'Daily session limit reached', {
              limit: l.daily_sessions,
            })
          }
          await repo.insertSession(trx, {
            id_hash: sha256Hex(sessionId),
            dev_id: auth.devId,
            created_at: nowIso,
            expires_at: new Date(now.getTime() + l.session_minutes * 60_000).toISOString(),
          })
        })
      } catch (e) {
        const reason = (e as DomainError).details?.reason
        if (reason === 'concurrent_sessions' || reason === 'daily_sessions') {
          await deps.events.record({
            type: 'hirez.session_refused',
            severity: 'low',
            ip: ip ?? null,
            details: { protocol: 'hirez', dev_id: auth.devId, reason },
          })
        }
        throw e
      }
      await deps.events.record({
        type: 'hirez.session_created',
        ip: ip ?? null,
        details: { protocol: 'hirez', dev_id: auth.devId, minutes: l.session_minutes },
      })
      return { sessionId, createdAt: now }
    },

    /** What the credential used today (UTC), with its limits: getdataused. */
    async dataUsed(auth: HirezAuth): Promise<DataUsed> {
      const now = ctx.clock()
      const nowIso = now.toISOString()
      const k = dailyKeys(auth.devId, utcDayOf(now).day)
      const live = await repo.countLiveSessions(ctx.db, [auth.devId], nowIso)
      const counts = await repo.readCounters(ctx.db, [k.sessions, k.requests], nowIso)
      return {
        active_sessions: live.get(auth.devId) ?? 0,
        sessions_today: counts.get(k.sessions) ?? 0,
        requests_today: counts.get(k.requests) ?? 0,
        limits: auth.limits,
      }
    },
  }
}

export type HirezAccess = ReturnType<typeof createHirezAccess>
