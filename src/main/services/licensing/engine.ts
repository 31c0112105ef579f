import { DomainError, isDomainError, type ErrorCode } from '@shared/errors'
import type { ProductPolicy, Severity } from '@shared/dto'
import type { Executor } from '../../db/connection'
import * as machines from '../../db/repositories/machines'
import type { LicenseCheckRow } from '../../db/repositories/machines'
import type { ServiceContext } from '../context'
import type { EventsService, RecordEvent } from '../events'
import type { EventDto } from '@shared/dto'
import { GRACE_WARNING } from '@shared/policy'
import type { SessionsService } from '../sessions'
import { decideIndicators, decideProduct, decideStatus, toLicenseView } from './decide'
import { effectivePolicy, graceUntil } from './policy'
import type { Attestor } from './attest'
import type { LicenseRequest } from './types'
import type { SecurityService } from '../security'

/**
 * The part of services.security the engine calls, typed by the security service's own
 * methods (screenCaller and reportReplay optional: a bare engine may run without them).
 */
export type SecurityHooks = Pick<SecurityService, 'screen' | 'noteFailure'> &
  Partial<Pick<SecurityService, 'screenCaller' | 'reportReplay'>>

export interface EngineDeps {
  events: EventsService
  sessions: SessionsService
  attestor: Attestor
  /** Late-bound: the security service may be wired after the engine. */
  security?: () => SecurityHooks | undefined
}

/**
 * What one decided operation hands its body: where to read and write (the transaction's `trx`,
 * or `db` for a read-only operation), the row as decided on, its policy and the time.
 */
export interface Decided {
  ex: Executor
  row: LicenseCheckRow
  policy: ProductPolicy
  now: Date
  nowIso: string
  flags: string[]
  /** Set while the license is past expires_at but within its policy's grace period. */
  graceUntil: string | null
}

/** Event type per operation (the reference's security event names). */
export type Op =
  | 'license_validation'
  | 'license_activation'
  | 'license_deactivation'
  | 'session_heartbeat'
  | 'challenge_verification'

/**
 * The client_data fields kept with each event: what identifies and screens a machine. The SDKs
 * also send pids, paths and memory figures on every call; those would only grow the log.
 */
const KEPT_CLIENT_FIELDS = [
  'platform',
  'os_version',
  'architecture',
  'hostname',
  'vm_indicators',
  'debug_indicators',
  'env_indicators',
  'fingerprint',
] as const

function keptClientData(cd: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of KEPT_CLIENT_FIELDS) if (cd[k] !== undefined) out[k] = cd[k]
  return out
}

/** Refusals that say more than "this key does not work here". */
const SEVERITY_FOR_EVENT: Partial<Record<string, Severity>> = {
  session_hijack: 'critical',
  replay_attack: 'high',
  tamper_detected: 'high',
}

/** Codes that get their own event type instead of the operation's. */
const EVENT_FOR_CODE: Partial<Record<ErrorCode, string>> = {
  HWID_MISMATCH: 'hwid_mismatch',
}

function blacklisted(block: { reason: string; type: string }): DomainError {
  return new DomainError('BLACKLISTED', 'Access denied', {
    security_blocked: true,
    security_details: { reason: block.reason, type: block.type },
  })
}

/** Codes a guesser produces: fed to brute-force detection. */
const FAILURES_TO_NOTE = new Set<ErrorCode>([
  'LICENSE_NOT_FOUND',
  'PRODUCT_NOT_FOUND',
  'HWID_MISMATCH',
])

/** A license as first read by an operation. */
export interface LicenseRead {
  row: LicenseCheckRow | undefined
}

/**
 * Runs one licensing operation: decision steps 1–2, the security screen (3), then steps 4–7
 * plus the operation's writes — in one transaction (`ctx.tx`) when the operation writes, on
 * the license row locked for it, so two racing activations cannot both take the last slot
 * (on any node). Records the outcome as one event. The license is read once; it is read again
 * only if something may have been written in between.
 */
export function createRunner(ctx: ServiceContext, deps: EngineDeps) {
  /** Reads the license for an operation (pass the result to `run` as `opts.read`). */
  async function read(licenseKey: string): Promise<LicenseRead> {
    return { row: await machines.findLicenseForCheck(ctx.db, licenseKey) }
  }

  /**
   * Whether `row`, read before the transaction `ex`, is what a read in it would return: its
   * license and product rows have not been updated or deleted since (SQLite: the license rows'
   * version read with the row is still the version now, migration 0015). Always false on
   * PostgreSQL, whose writers take the row lock by reading it again.
   */
  async function stillCurrent(ex: Executor, row: LicenseCheckRow): Promise<boolean> {
    return row.rows_version !== null && row.rows_version === (await machines.licenseRowsVersion(ex))
  }

  type Outcome =
    | { ok: true; machineId?: string | null; details?: Record<string, unknown> }
    | { ok: false; error: DomainError }

  /** The event an operation's outcome records, or null (a blacklist hit records its own). */
  function eventOf(
    op: Op,
    req: LicenseRequest,
    row: LicenseCheckRow | undefined,
    outcome: Outcome,
    flags: string[],
  ): RecordEvent | null {
    const code = outcome.ok ? null : outcome.error.code
    const detailsEvent = outcome.ok
      ? undefined
      : (outcome.error.details?.event as string | undefined)
    const type = outcome.ok ? op : (detailsEvent ?? EVENT_FOR_CODE[code!] ?? op)
    if (code === 'BLACKLISTED') return null // services.security recorded the blacklist_hit itself
    return {
      type,
      severity: outcome.ok
        ? flags.length
          ? 'low'
          : 'info'
        : (SEVERITY_FOR_EVENT[type] ?? (type === op ? 'low' : 'medium')),
      productId: row?.product_id ?? req.productId ?? null,
      licenseId: row?.id ?? null,
      machineId: outcome.ok ? (outcome.machineId ?? null) : null,
      hwid: req.hwid ?? null,
      ip: req.ip,
      userAgent: req.userAgent,
      blocked: !outcome.ok,
      details: {
        protocol: req.protocol,
        success: outcome.ok,
        ...(code && { error_code: code, operation: op }),
        ...(flags.length > 0 && { flags }),
        ...(req.clientData && { client_data: keptClientData(req.clientData) }),
        ...(outcome.ok && outcome.details),
      },
    }
  }

  /** Records an outcome as its own write (refusals rolled back, read-only operations). */
  async function record(
    op: Op,
    req: LicenseRequest,
    row: LicenseCheckRow | undefined,
    outcome: Outcome,
    flags: string[],
  ): Promise<void> {
    const event = eventOf(op, req, row, outcome, flags)
    if (event) await deps.events.record(event)
  }

  /**
   * @param op the event type recorded on success
   * @param body the operation's decision steps 4–7 and writes, run inside the transaction (on
   *   `d.ex`). It throws a DomainError to refuse and roll back, or returns one to refuse and
   *   still commit what it wrote (a consumed challenge, a revoked hijacked session). It may run
   *   more than once (see TxRunner): only the run that commits counts.
   * @param opts.read the license as the caller already read it (read once per operation).
   * @param opts.readOnly the body only reads: no transaction is opened (see below).
   */
  async function run<
    T extends {
      machineId?: string | null
      eventDetails?: Record<string, unknown>
      /** Events of what the operation did beside itself (seat taken, resurrected, ...). */
      events?: RecordEvent[]
    },
  >(
    op: Op,
    req: LicenseRequest,
    body: (d: Decided) => Promise<T | DomainError>,
    opts: {
      allowExpired?: boolean
      skipIndicators?: boolean
      readOnly?: boolean
      read?: LicenseRead
    } = {},
  ): Promise<T & { flags: string[]; graceUntil: string | null }> {
    const first = opts.read ?? (await read(req.licenseKey))
    let row = first.row
    let flags: string[] = []
    let grace: string | null = null
    // A writing operation writes its events in its own transaction, so an answer, its rows and
    // its events are committed together or not at all. Published once committed.
    let written: EventDto | null = null
    let extra: EventDto[] = []
    try {
      const security = deps.security?.()
      const fingerprint =
        typeof req.clientData?.fingerprint === 'string' ? req.clientData.fingerprint : null
      // A blocked caller is refused before the key lookup: every key then gets the same
      // answer, so a brute-forcer that tripped detection learns nothing more.
      const callerBlock = await security?.screenCaller?.({
        ip: req.ip,
        hwid: req.hwid,
        fingerprint,
        userAgent: req.userAgent,
      })
      if (callerBlock) throw blacklisted(callerBlock)
      decideProduct(row, req)
      if (security) {
        const block = await security.screen({
          ip: req.ip,
          hwid: req.hwid,
          licenseKey: req.licenseKey,
          fingerprint,
          productId: row.product_id,
          licenseId: row.id,
          userAgent: req.userAgent,
        })
        if (block) throw blacklisted(block)
      }
      const inTransaction = !opts.readOnly
      const writeEvent = async (ex: Executor, outcome: Outcome) => {
        const event = eventOf(op, req, row, outcome, flags)
        if (event && inTransaction) written = await deps.events.insert(ex, event)
      }
      let pending: RecordEvent[] = [] // a read-only operation's extra events, recorded after
      const decide = async (ex: Executor) => {
        written = null // the transaction may run this again (group-commit savepoints, retries)
        extra = []
        flags = []
        // A writing operation decides on the license as it is now: the screens above awaited,
        // and if its license or product row was written since the first read (an admin's ban,
        // another request, another worker) it reads the row again, locked (forUpdate: a no-op
        // on SQLite, whose BEGIN IMMEDIATE runs one transaction at a time; on PostgreSQL, which
        // always re-reads, the row lock that makes the decisions of one license take turns
        // across connections and nodes). Otherwise the row read before is exactly what a
        // re-read would return.
        // A read-only one (validate) answers for the license as read at its start: a change
        // committed while it ran overlaps it and may or may not show, as with any read; the
        // next request sees it. (On PostgreSQL that re-read was 2 of validate's ~7 round trips.)
        // Each run starts from the row read outside any transaction: a committed version names
        // one committed state, whereas a version seen inside a batch that was then undone may
        // come back naming another (a run again with savepoints).
        row = first.row
        if (inTransaction && !(row && (await stillCurrent(ex, row)))) {
          row = await machines.findLicenseForCheck(ex, req.licenseKey, { lock: inTransaction })
        }
        decideProduct(row, req)
        const now = ctx.clock()
        const nowIso = now.toISOString()
        const policy = effectivePolicy(row.product_policy, row.license_policy)
        grace = decideStatus(row, nowIso, {
          ...opts,
          graceUntil: graceUntil(policy, row.expires_at),
        }).graceUntil
        const out = await body({ ex, row, policy, now, nowIso, flags, graceUntil: grace })
        if (out instanceof DomainError) {
          await writeEvent(ex, { ok: false, error: out })
          return out
        }
        if (!opts.skipIndicators) flags = decideIndicators(policy, req.clientData)
        const details = grace ? { ...out.eventDetails, grace_until: grace } : out.eventDetails
        await writeEvent(ex, { ok: true, machineId: out.machineId, details })
        const also = [...(out.events ?? []), ...(grace ? [graceEvent(op, req, row, grace)] : [])]
        if (inTransaction) for (const e of also) extra.push(await deps.events.insert(ex, e))
        else pending = also
        return out
      }
      // A read-only decision needs no BEGIN/COMMIT (a sixth of validate's CPU): it reads on
      // `db`, statement by statement, each seeing what was committed (its event is recorded
      // after, in a transaction of its own).
      const result = opts.readOnly ? await decide(ctx.db) : await ctx.tx(decide)
      if (result instanceof DomainError) throw result
      if (written) deps.events.publish(written, ...extra)
      else {
        const details = grace ? { ...result.eventDetails, grace_until: grace } : result.eventDetails
        await record(op, req, row, { ok: true, machineId: result.machineId, details }, flags)
        for (const e of pending) await deps.events.record(e)
      }
      return { ...result, flags, graceUntil: grace }
    } catch (e) {
      if (!isDomainError(e)) throw e
      const committed = written as EventDto | null
      if (committed) deps.events.publish(committed, ...extra)
      else await record(op, req, row, { ok: false, error: e }, flags)
      const security = deps.security?.()
      if (security && FAILURES_TO_NOTE.has(e.code)) {
        await security.noteFailure({
          ip: req.ip,
          hwid: req.hwid,
          licenseKey: req.licenseKey,
          reason: e.code,
          productId: row?.product_id ?? null,
          userAgent: req.userAgent,
        })
      }
      throw e
    }
  }

  /** The event of an operation answered within the grace period. */
  function graceEvent(op: Op, req: LicenseRequest, r: LicenseCheckRow, until: string): RecordEvent {
    return {
      type: 'license.grace',
      severity: 'low',
      productId: r.product_id,
      licenseId: r.id,
      hwid: req.hwid ?? null,
      ip: req.ip,
      userAgent: req.userAgent,
      details: {
        protocol: req.protocol,
        operation: op,
        expires_at: r.expires_at,
        grace_until: until,
        warning: GRACE_WARNING,
      },
    }
  }

  return {
    run,
    read,
    record,
    view: toLicenseView,
    policyOf: (r: LicenseCheckRow) => effectivePolicy(r.product_policy, r.license_policy),
  }
}
