import { createHmac } from 'node:crypto'
import { DomainError, isDomainError } from '@shared/errors'
import * as machines from '../../db/repositories/machines'
import { safeEqual, uuid } from '../../crypto/random'
import type { ServiceContext } from '../context'
import type { EventsService, RecordEvent } from '../events'
import { isLive, type SessionsService } from '../sessions'
import { createAttestor } from './attest'
import { sharedSignatures } from './signature-cache'
import { decideHwid, decideMachine, type MachineFacts } from './decide'
import { createRunner, type Decided, type LicenseRead, type SecurityHooks } from './engine'
import { createEnvelopeService } from './envelope'
import { isWatched, seatMark, silentSince } from './policy'
import { decideSeat, seatEvents } from './seats'
import { createSharedRateLimiter } from './ratelimit'
import type { ReplayGuard } from '../replay'
import { LICENSE_VALIDATED } from '../ops'
import type {
  ActivateResult,
  ChallengeRequest,
  ChallengeResult,
  DeactivateResult,
  HeartbeatRequest,
  HeartbeatResult,
  IssuedChallenge,
  LicenseRequest,
  ValidateResult,
} from './types'

export type * from './types'
export type { SecurityHooks } from './engine'

export interface LicensingOptions {
  /** Validations per minute per license per IP when the product sets none (default 10). */
  validatePerMinute?: number
  /** Envelope timestamp window either way, ms (default 5 min). */
  envelopeWindowMs?: number
  /** How long an issued challenge may be answered, seconds (default 300). */
  challengeSeconds?: number
}

function requireHwid(req: LicenseRequest): string {
  if (!req.hwid) throw new DomainError('VALIDATION_ERROR', 'hwid is required')
  return req.hwid
}

/** What `validate` may do besides checking. */
export interface ValidateOptions<W> {
  keepSeat?: boolean | 'if-bound'
  /**
   * More of the caller's writes in the decision's transaction (SellRealm check_session's
   * nonce rotation): the check, its event and these commit together, in one unit of the
   * group commit instead of a second one after it. Answered as `also`.
   */
  also?: (d: Decided) => Promise<W>
  /**
   * The license as the caller already read it, on `db` and for this key (SellRealm's ownership
   * check): not read a second time.
   */
  read?: LicenseRead
}

/**
 * The licensing engine: the one place that decides whether a key works on a machine, for every
 * protocol. validate / activate / heartbeat / deactivate / verifyChallenge refuse with a
 * DomainError in the fixed order LICENSE_NOT_FOUND → PRODUCT_NOT_FOUND → BLACKLISTED →
 * LICENSE_BANNED / LICENSE_SUSPENDED → LICENSE_EXPIRED → VALIDATION_ERROR (no hwid for a
 * machine-bound license, decideHwid) → HWID_MISMATCH → MAX_USES_EXCEEDED
 * (then SECURITY_VIOLATION when the product blocks VM / debugger indicators).
 */
export function createLicensingService(
  ctx: ServiceContext,
  deps: {
    events: EventsService
    sessions: SessionsService
    security?: () => SecurityHooks | undefined
    replay: ReplayGuard
  },
  opts: LicensingOptions = {},
) {
  const settings = {
    validatePerMinute: opts.validatePerMinute ?? 10,
    challengeSeconds: opts.challengeSeconds ?? 300,
  }
  // Several processes on the database: what one signed, the others reuse (signature-cache.ts).
  const attestor = createAttestor(
    ctx.dataDir,
    ctx.changes.shared ? sharedSignatures(ctx) : undefined,
  )
  const runner = createRunner(ctx, { ...deps, attestor })
  const limiter = createSharedRateLimiter(ctx)
  const { replay } = deps
  const envelope = createEnvelopeService(ctx, deps, {
    windowMs: opts.envelopeWindowMs ?? 5 * 60_000,
  })

  /** A fresh challenge for this license and machine (self-contained: nothing is stored). */
  async function issueChallenge(licenseId: string, hwid: string): Promise<IssuedChallenge> {
    const expires = ctx.clock().getTime() + settings.challengeSeconds * 1000
    const value = await attestor.challenge(licenseId, hwid, expires)
    return { value, expires_at: new Date(Math.ceil(expires / 1000) * 1000).toISOString() }
  }

  /**
   * Loads what decideMachine will ask about, and only that (it asks in this order: the bound
   * machine; for a new machine the bound count when HWID-locked, else the live others; the live
   * others again when sessions are capped). A validate on a bound machine costs one lookup.
   */
  async function factsOf(d: Decided, hwid: string): Promise<MachineFacts> {
    const bound = await machines.findMachine(d.ex, d.row.id, hwid)
    const locked = d.row.hwid_locked === 1
    const count = !bound && locked ? await machines.countMachines(d.ex, d.row.id) : 0
    const live =
      (!bound && !locked) || d.row.max_sessions !== null
        ? await machines.countLiveMachines(
            d.ex,
            d.row.id,
            d.nowIso,
            silentSince(d.policy, d.now),
            hwid,
          )
        : 0
    return { boundId: () => bound?.id, machineCount: () => count, liveOthers: () => live }
  }

  /**
   * A heartbeat's machine work (and SellRealm check_session's): the machine must still be
   * bound (a HWID reset or deactivation ends its sessions); a floating one must hold or retake
   * a seat (a culled machine within its resurrection window gets it back if one is free). The
   * machine is then marked heard from, its seat's deadlines pushed out by the policy.
   */
  /**
   * Keeps the seat of the bound machine `hwid` (a heartbeat's work). A machine that is not bound
   * is SESSION_EXPIRED, or with `unbound: 'pass'` answers machineId null.
   */
  async function keepMachine(
    d: Decided,
    req: LicenseRequest,
    hwid: string,
  ): Promise<{ machineId: string; events: RecordEvent[] }>
  async function keepMachine(
    d: Decided,
    req: LicenseRequest,
    hwid: string,
    unbound: 'refuse' | 'pass',
  ): Promise<{ machineId: string | null; events: RecordEvent[] }>
  async function keepMachine(
    d: Decided,
    req: LicenseRequest,
    hwid: string,
    unbound: 'refuse' | 'pass' = 'refuse',
  ): Promise<{ machineId: string | null; events: RecordEvent[] }> {
    // Locked: culling skips the row while this transaction keeps its seat.
    const bound = await machines.findMachine(d.ex, d.row.id, hwid, { lock: true })
    if (!bound && unbound === 'pass') return { machineId: null, events: [] }
    if (!bound) throw new DomainError('SESSION_EXPIRED', 'Session expired or invalid')
    let events: RecordEvent[] = []
    if (d.policy.mode === 'floating') {
      const v = await decideSeat(d, hwid, { known: bound, returning: true })
      events = seatEvents(d, req, v, bound.id)
    }
    await machines.touchMachine(d.ex, bound.id, req.ip, d.nowIso, seatMark(d.policy, d.now))
    return { machineId: bound.id, events }
  }

  /** seat.freed for a seat this request gave back. */
  function seatFreed(
    d: Decided,
    req: LicenseRequest,
    machineId: string,
    reason: string,
  ): RecordEvent {
    return {
      type: 'seat.freed',
      productId: d.row.product_id,
      licenseId: d.row.id,
      machineId,
      hwid: req.hwid ?? null,
      ip: req.ip,
      userAgent: req.userAgent,
      details: { protocol: req.protocol, reason },
    }
  }

  async function finish<T>(r: T & { flags: string[] }, licenseId: string) {
    return { ...r, watermark: await attestor.watermark(licenseId) }
  }

  /** validate() without telling its outcome (see validate). */
  async function validateOnce<W>(
    req: LicenseRequest,
    opts: ValidateOptions<W>,
  ): Promise<ValidateResult & { also?: W }> {
    const first = opts.read ?? (await runner.read(req.licenseKey))
    const row = first.row
    // The product's policy sets the pace; an unknown key gets the global default.
    const perMinute = row ? runner.policyOf(row).validate_per_minute : settings.validatePerMinute
    const limited = await limiter.hit(`${req.licenseKey}\u0000${req.ip ?? ''}`, perMinute)
    if (limited) {
      const err = new DomainError('RATE_LIMITED', 'Too many validation requests, slow down', {
        retry_after: limited.retryAfter,
        event: 'rate_limit_exceeded',
      })
      if (limited.first)
        await runner.record('license_validation', req, row, { ok: false, error: err }, [])
      throw err
    }
    // Only a license whose machines are watched (floating, or dead machines not kept) has a
    // seat to keep: any other check stays a read without a transaction.
    // 'if-bound': a machine that is not bound answers machineId null instead of SESSION_EXPIRED
    // (DevPayr's runtime check then activates it: a new identifier takes a seat).
    const keep = !!opts.keepSeat && row !== undefined && isWatched(runner.policyOf(row))
    const unbound = opts.keepSeat === 'if-bound' ? 'pass' : 'refuse'
    const r = await runner.run(
      'license_validation',
      req,
      async (d) => {
        let machineId: string | null = null
        let events: RecordEvent[] = []
        const hwid = decideHwid(d.row, req.hwid)
        if (hwid && d.policy.mode === 'floating') {
          if (keep) ({ machineId, events } = await keepMachine(d, req, hwid, unbound))
          else machineId = (await decideSeat(d, hwid)).machine?.id ?? null
        } else if (hwid) {
          machineId = decideMachine(d.row, await factsOf(d, hwid)).boundId ?? null
          if (keep && machineId) {
            await machines.touchMachine(
              d.ex,
              machineId,
              req.ip,
              d.nowIso,
              seatMark(d.policy, d.now),
            )
          }
        }
        const also = opts.also ? await opts.also(d) : undefined
        return { machineId, events, license: runner.view(d.row, d.nowIso), also }
      },
      { read: first, readOnly: !keep && !opts.also },
    )
    return { valid: true, ...(await finish(r, r.license.id)) }
  }

  return {
    attestor,
    envelope,
    settings,

    /**
     * Checks a key on a machine without binding anything. `hwid` is required unless the
     * license is bound to no machine (decideHwid). A floating license answers valid for a
     * machine that holds a seat or while one is free. `keepSeat` (a protocol whose session
     * check is its heartbeat: SellRealm check_session): the check also keeps the machine's
     * seat as a heartbeat does, in a transaction; 'if-bound' (DevPayr's runtime check, which
     * activates a new identifier next) answers machineId null for a machine not bound.
     */
    async validate<W = never>(
      req: LicenseRequest,
      opts: ValidateOptions<W> = {},
    ): Promise<ValidateResult & { also?: W }> {
      // Every protocol's validation is decided here: its outcome is told once (metrics).
      try {
        const result = await validateOnce(req, opts)
        ctx.bus.emit(LICENSE_VALIDATED, 'valid')
        return result
      } catch (e) {
        ctx.bus.emit(LICENSE_VALIDATED, isDomainError(e) ? e.code : 'error')
        throw e
      }
    },

    /** Binds the machine (if a slot is free), opens a session and issues a challenge. */
    async activate(req: LicenseRequest): Promise<ActivateResult> {
      const hwid = requireHwid(req)
      const r = await runner.run('license_activation', req, async (d) => {
        const floating = d.policy.mode === 'floating'
        // Floating: a seat, on any machine (culling frees the seats of dead ones, not this).
        const seat = floating ? await decideSeat(d, hwid) : null
        const { boundId } = seat
          ? { boundId: seat.machine?.id }
          : decideMachine(d.row, await factsOf(d, hwid))
        // A node-locked license without hwid_locked reclaims the rows of silent machines when a
        // new one takes a slot (the behaviour before policies, kept for node-locked licenses).
        const stale =
          floating || boundId || d.row.hwid_locked === 1
            ? []
            : await machines.silentMachines(d.ex, d.row.id, d.nowIso, silentSince(d.policy, d.now))
        for (const s of stale) {
          await deps.sessions.revokeMachine(d.ex, s.id, 'slot_reclaimed', d.now)
          await machines.deleteMachine(d.ex, s.id)
        }
        const cd = req.clientData
        const machineId = await machines.upsertMachine(d.ex, {
          id: uuid(),
          licenseId: d.row.id,
          hwid,
          platform: typeof cd?.platform === 'string' ? cd.platform.slice(0, 64) : null,
          osVersion: typeof cd?.os_version === 'string' ? cd.os_version.slice(0, 128) : null,
          appVersion: typeof cd?.app_version === 'string' ? cd.app_version.slice(0, 64) : null,
          ip: req.ip,
          now: d.nowIso,
          mark: seatMark(d.policy, d.now),
        })
        const session = await deps.sessions.open(d.ex, {
          licenseId: d.row.id,
          machineId,
          hwid,
          protocol: req.protocol,
          ip: req.ip,
          userAgent: req.userAgent,
          minutes: d.policy.session_minutes,
          withNonce: req.withNonce === true,
          now: d.now,
        })
        return {
          machineId,
          session,
          license: runner.view(d.row, d.nowIso),
          eventDetails: { session_id: session.id, reclaimed: stale.length },
          events: seat ? seatEvents(d, req, seat, machineId) : [],
        }
      })
      const challenge = await issueChallenge(r.license.id, hwid)
      return { activated: true, challenge, ...(await finish(r, r.license.id)) }
    },

    /** Keeps a session alive: rotates its token, extends it, issues a new challenge. */
    async heartbeat(req: HeartbeatRequest): Promise<HeartbeatResult> {
      const hwid = requireHwid(req)
      const r = await runner.run('session_heartbeat', req, async (d) => {
        const s = await deps.sessions.findByToken(d.ex, req.sessionToken)
        // A floating seat's silence is judged by culling, not here: a machine culled may come
        // back with its session within the resurrection window (decideSeat).
        const since = d.policy.mode === 'floating' ? '' : silentSince(d.policy, d.now)
        if (!s || s.license_id !== d.row.id || !isLive(s, d.nowIso, since)) {
          throw new DomainError('SESSION_EXPIRED', 'Session expired or invalid')
        }
        if (s.hwid !== null && s.hwid !== hwid) {
          // A token presented from another machine: end it, the rightful client re-activates.
          await deps.sessions.revoke(d.ex, s.id, 'session_hijack', d.now)
          return new DomainError('SESSION_EXPIRED', 'Session expired or invalid', {
            event: 'session_hijack',
          })
        }
        const { machineId, events } = await keepMachine(d, req, hwid)
        const session = await deps.sessions.rotate(d.ex, s, {
          ip: req.ip,
          minutes: d.policy.session_minutes,
          now: d.now,
        })
        if (!session) throw new DomainError('SESSION_EXPIRED', 'Session expired or invalid')
        return {
          machineId,
          session,
          license: runner.view(d.row, d.nowIso),
          eventDetails: { session_id: s.id },
          events,
        }
      })
      const challenge = await issueChallenge(r.license.id, hwid)
      return { valid: true, challenge, ...(await finish(r, r.license.id)) }
    },

    /** Releases the machine and closes its sessions. Works on an expired key (moving machines). */
    async deactivate(req: LicenseRequest): Promise<DeactivateResult> {
      const hwid = requireHwid(req)
      const r = await runner.run(
        'license_deactivation',
        req,
        async (d) => {
          const m = await machines.findMachine(d.ex, d.row.id, hwid)
          if (!m)
            throw new DomainError('HWID_MISMATCH', 'This machine is not activated for this license')
          const sessionsClosed = await deps.sessions.revokeMachine(d.ex, m.id, 'deactivated', d.now)
          await machines.deleteMachine(d.ex, m.id)
          const freed: RecordEvent[] =
            d.policy.mode === 'floating' && m.seat === 'held'
              ? [seatFreed(d, req, m.id, 'deactivated')]
              : []
          return {
            machineId: m.id,
            sessionsClosed,
            license: runner.view(d.row, d.nowIso),
            eventDetails: { sessions_closed: sessionsClosed },
            events: freed,
          }
        },
        { allowExpired: true, skipIndicators: true },
      )
      return { deactivated: true, ...(await finish(r, r.license.id)) }
    },

    /**
     * Accepts `response = HMAC-SHA256(key = hwid, challenge)` for a challenge this server issued
     * to this license and machine, unexpired and unused. A second answer is a replay.
     */
    async verifyChallenge(req: ChallengeRequest): Promise<ChallengeResult> {
      const hwid = requireHwid(req)
      await attestor.ready()
      const r = await runner.run('challenge_verification', req, async (d) => {
        const c = attestor.openChallenge(d.row.id, hwid, req.challenge)
        if (!c) {
          throw new DomainError('SECURITY_VIOLATION', 'Unknown challenge', {
            event: 'tamper_detected',
          })
        }
        // Answered once: remembered until it could not be answered anyway (plus a minute).
        const until = c.expiresAt + 60_000
        if (
          !(await replay.remember(d.ex, 'licensecm_challenge', req.challenge.toLowerCase(), until))
        ) {
          throw new DomainError('SECURITY_VIOLATION', 'Challenge already used', {
            event: 'replay_attack',
          })
        }
        // Consumed before judged, and committed either way: one answer per challenge, no retries.
        if (c.expiresAt <= d.now.getTime())
          return new DomainError('SECURITY_VIOLATION', 'Challenge expired', {
            event: 'tamper_detected',
          })
        const expected = createHmac('sha256', hwid).update(req.challenge).digest('hex')
        if (!safeEqual(expected, req.response.toLowerCase())) {
          return new DomainError('SECURITY_VIOLATION', 'Challenge response is wrong', {
            event: 'tamper_detected',
          })
        }
        return {
          machineId: (await machines.findMachine(d.ex, d.row.id, hwid))?.id ?? null,
          license: runner.view(d.row, d.nowIso),
        }
      })
      return { verified: true, ...(await finish(r, r.license.id)) }
    },

    /** Changes the global defaults at run time (settings screen). */
    configure(o: {
      validatePerMinute?: number
      challengeSeconds?: number
      envelopeWindowMs?: number
    }): void {
      if (o.validatePerMinute !== undefined) settings.validatePerMinute = o.validatePerMinute
      if (o.challengeSeconds !== undefined) settings.challengeSeconds = o.challengeSeconds
      if (o.envelopeWindowMs !== undefined) envelope.options.windowMs = o.envelopeWindowMs
    },

    publicKeyPem: () => attestor.publicKeyPem(),
  }
}

export type LicensingService = ReturnType<typeof createLicensingService>
