import type { EventDto } from '@shared/dto'
import { DomainError } from '@shared/errors'
import type { UpdateLicenseInput } from '@shared/schemas'
import * as repo from '../../db/repositories/lifecycle'
import type { LicenseState } from '../../db/repositories/lifecycle'
import { upsertMachine } from '../../db/repositories/machines'
import { uuid } from '../../crypto/random'
import type { ServiceContext } from '../context'
import type { EventsService, RecordEvent } from '../events'

const DAY = 86_400_000

/**
 * THE license lifecycle: every change of a license's state, whichever surface asked (REST,
 * SellRealm, the console, the store's refund, bulk actions), is one of these transitions, and
 * each runs as ONE transaction holding its state change, its session and machine effects and
 * its event(s). Events are pushed (console feed, webhooks) only after that COMMIT.
 *
 * transition    status                             sessions       machines      event (license.)
 * suspend       active/expired -> suspended        all end        kept          suspended (medium)
 * resume        suspended -> active                stay ended     kept          resumed
 * ban           any but banned -> banned           all end        kept          banned (high)
 * unban         banned -> active                   stay ended     kept          unbanned
 * expire        -> expired (set by hand)           all end        kept          expired
 * revoke        unchanged                          all end        kept          sessions_revoked
 * reset_hwid    unchanged                          all end        all unbound   hwid_reset
 * restore_hwid  unchanged                          all end        that HWID     hwid_restored
 * release       unchanged                          its machine's  that one goes machine.released
 * extend        new expiry; stored expired->active unchanged      kept          extended
 * delete        gone                               gone with it   gone with it  deleted (low)
 *
 * Suspend and ban take a reason (status_reason); resume and unban clear it.
 *
 * Refusals: suspending, resuming or expiring a banned license (LICENSE_BANNED: unban it),
 * banning a banned one (LICENSE_BANNED), releasing a machine that is not bound (NOT_FOUND).
 * Other transitions that would change nothing (resuming an active key, extending a lifetime
 * key by days) write nothing and record no event (`changed: false`).
 * Sessions end with `revoked_reason` naming the transition, so a client's next heartbeat or
 * check with the old session is refused, also after a later resume or unban.
 *
 * Event details always carry `sessions_revoked` (and `machines_released` where machines go),
 * plus what the surface adds (`protocol`, `order_id`, ...); webhooks derive from the event
 * types (services/webhooks/mapping.ts), so a suspension fires `license.suspended` everywhere.
 */
export type Transition =
  | { kind: 'suspend'; reason: string }
  | { kind: 'resume' }
  | { kind: 'ban'; reason: string }
  | { kind: 'unban' }
  | { kind: 'expire' }
  | { kind: 'revoke'; reason?: string }
  | { kind: 'reset_hwid' }
  | { kind: 'restore_hwid'; hwid: string }
  | { kind: 'release_machine'; machineId: string }
  | { kind: 'extend'; days: number }
  | { kind: 'extend'; expiresAt: string | null }
  | { kind: 'delete' }

/** Who asked, as recorded with the event: the caller's address and what the surface adds. */
export interface Origin {
  ip?: string | null
  userAgent?: string | null
  details?: Record<string, unknown>
}

export interface Outcome {
  /** False when the transition found nothing to change (nothing written, no event). */
  changed: boolean
  sessions_revoked: number
  machines_released: number
  events: EventDto[]
}

const NOTHING: Omit<Outcome, 'events'> = {
  changed: false,
  sessions_revoked: 0,
  machines_released: 0,
}

export function createLicenseLifecycle(ctx: ServiceContext, deps: { events: EventsService }) {
  const db = ctx.sqlite

  /** One transition on a license already read, inside the caller's open transaction. */
  function step(l: LicenseState, t: Transition, origin: Origin, now: string): Outcome {
    const events: EventDto[] = []
    const record = (e: Omit<RecordEvent, 'productId' | 'licenseId' | 'ip' | 'userAgent'>) =>
      events.push(
        deps.events.insert({
          ...e,
          productId: l.product_id,
          licenseId: l.id,
          ip: origin.ip ?? null,
          userAgent: origin.userAgent ?? null,
          details: { ...origin.details, ...e.details },
        }),
      )
    const endSessions = (why: string) => repo.revokeSessionsOf(db, l.id, why, now)

    switch (t.kind) {
      case 'suspend': {
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'A banned license is not suspended; unban it')
        if (l.status === 'suspended') return { ...NOTHING, events }
        repo.setStatus(db, l.id, 'suspended', t.reason, now)
        const revoked = endSessions('license_suspended')
        record({
          type: 'license.suspended',
          severity: 'medium',
          details: { reason: t.reason, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: 0, events }
      }
      case 'resume': {
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'A banned license is not resumed; unban it')
        if (l.status !== 'suspended') return { ...NOTHING, events }
        repo.setStatus(db, l.id, 'active', null, now)
        record({ type: 'license.resumed', details: { sessions_revoked: 0 } })
        return { ...NOTHING, changed: true, events }
      }
      case 'ban': {
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'This license is already banned')
        repo.setStatus(db, l.id, 'banned', t.reason, now)
        const revoked = endSessions('license_banned')
        record({
          type: 'license.banned',
          severity: 'high',
          details: { reason: t.reason, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: 0, events }
      }
      case 'unban': {
        if (l.status !== 'banned') return { ...NOTHING, events }
        repo.setStatus(db, l.id, 'active', null, now)
        record({ type: 'license.unbanned', details: { sessions_revoked: 0 } })
        return { ...NOTHING, changed: true, events }
      }
      case 'expire': {
        if (l.status === 'expired') return { ...NOTHING, events }
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'A banned license is not expired; unban it')
        repo.setStatus(db, l.id, 'expired', l.status_reason, now)
        const revoked = endSessions('license_expired')
        record({ type: 'license.expired', details: { manual: true, sessions_revoked: revoked } })
        return { changed: true, sessions_revoked: revoked, machines_released: 0, events }
      }
      case 'revoke': {
        const revoked = endSessions('license_revoked')
        record({
          type: 'license.sessions_revoked',
          details: { reason: t.reason ?? null, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: 0, events }
      }
      case 'reset_hwid': {
        const revoked = endSessions('hwid_reset')
        const freed = repo.deleteMachinesOf(db, l.id)
        record({
          type: 'license.hwid_reset',
          details: { machines_released: freed, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: freed, events }
      }
      case 'restore_hwid': {
        const revoked = endSessions('hwid_restored')
        const freed = repo.deleteMachinesOf(db, l.id)
        upsertMachine(db, {
          id: uuid(),
          licenseId: l.id,
          hwid: t.hwid,
          platform: null,
          osVersion: null,
          ip: origin.ip ?? null,
          now,
        })
        record({
          type: 'license.hwid_restored',
          details: { hwid: t.hwid, machines_released: freed, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: freed, events }
      }
      case 'release_machine': {
        const m = repo.findMachineOf(db, l.id, t.machineId)
        if (!m) throw new DomainError('NOT_FOUND', 'This machine is not bound to the license')
        const revoked = repo.revokeMachineSessions(db, m.id, 'machine_released', now)
        repo.deleteMachine(db, m.id)
        record({
          type: 'machine.released',
          machineId: m.id,
          hwid: m.hwid,
          details: { sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: 1, events }
      }
      case 'extend': {
        let next: string | null
        if ('days' in t) {
          // Lifetime keys have nothing to extend; an expired key is extended from today.
          if (l.expires_at === null) return { ...NOTHING, events }
          const from = Math.max(Date.parse(now), Date.parse(l.expires_at))
          next = new Date(from + t.days * DAY).toISOString()
        } else {
          next = t.expiresAt === null ? null : new Date(t.expiresAt).toISOString()
        }
        const revived = l.status === 'expired' && (next === null || next > now)
        repo.setExpiry(db, l.id, next, revived ? 'active' : l.status, now)
        record({
          type: 'license.extended',
          details: { expires_at: next, previous_expires_at: l.expires_at, sessions_revoked: 0 },
        })
        return { ...NOTHING, changed: true, events }
      }
      case 'delete': {
        const revoked = endSessions('license_deleted')
        const freed = repo.deleteMachinesOf(db, l.id)
        repo.deleteLicense(db, l.id)
        record({
          type: 'license.deleted',
          severity: 'low',
          details: {
            key_prefix: l.key.slice(0, 4),
            sessions_revoked: revoked,
            machines_released: freed,
          },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: freed, events }
      }
    }
  }

  function stateOf(licenseId: string): LicenseState {
    const l = repo.findLicenseState(db, licenseId)
    if (!l) throw new DomainError('LICENSE_NOT_FOUND', 'License not found')
    return l
  }

  /** A license edit (PUT /api/licenses/:id, console licenses.update) as transitions. */
  function editStep(licenseId: string, patch: UpdateLicenseInput, origin: Origin, now: string) {
    const plain: Partial<Record<repo.EditableColumn, string | number | null>> = {}
    if (patch.type !== undefined) plain.type = patch.type
    if (patch.max_uses !== undefined) plain.max_uses = patch.max_uses
    if (patch.hwid_locked !== undefined) plain.hwid_locked = patch.hwid_locked ? 1 : 0
    if (patch.max_sessions !== undefined) plain.max_sessions = patch.max_sessions
    if (patch.level !== undefined) plain.level = patch.level
    if (patch.metadata !== undefined) plain.metadata = JSON.stringify(patch.metadata)
    if (patch.notes !== undefined) plain.notes = patch.notes
    // A suspension takes the reason with it, and a resume or unban clears it anyway; a reason
    // given with no status change (or a new one with another status) is a plain field.
    const reasonIsPlain =
      patch.status === undefined || (patch.status !== 'suspended' && patch.status_reason !== null)
    if (patch.status_reason !== undefined && reasonIsPlain)
      plain.status_reason = patch.status_reason
    const out: Outcome = { ...NOTHING, events: [] }
    const add = (o: Outcome) => {
      out.changed ||= o.changed
      out.sessions_revoked += o.sessions_revoked
      out.machines_released += o.machines_released
      out.events.push(...o.events)
    }
    // Status and expiry first: a reason given with the new status is written after them.
    if (patch.expires_at !== undefined)
      add(step(stateOf(licenseId), { kind: 'extend', expiresAt: patch.expires_at }, origin, now))
    if (patch.status !== undefined) {
      const s = stateOf(licenseId)
      const t: Transition =
        patch.status === 'suspended'
          ? { kind: 'suspend', reason: patch.status_reason ?? 'Suspended' }
          : patch.status === 'expired'
            ? { kind: 'expire' }
            : s.status === 'banned'
              ? { kind: 'unban' }
              : { kind: 'resume' }
      add(step(s, t, origin, now))
    }
    const l = stateOf(licenseId)
    const fields = Object.keys(plain)
    if (fields.length > 0) {
      repo.updateColumns(db, licenseId, plain, now)
      add({
        ...NOTHING,
        changed: true,
        events: [
          deps.events.insert({
            type: 'license.updated',
            productId: l.product_id,
            licenseId,
            ip: origin.ip ?? null,
            userAgent: origin.userAgent ?? null,
            details: { ...origin.details, fields },
          }),
        ],
      })
    }
    return out
  }

  /** Runs a write in the shared group commit, then pushes the events it committed. */
  async function commit(write: () => Outcome): Promise<Outcome> {
    const out = await ctx.writes.run(write)
    deps.events.publish(...out.events)
    return out
  }

  return {
    /**
     * Applies one transition to a license in its own transaction. The caller has decided that
     * its actor may touch this license (each surface authorizes in its own terms).
     */
    apply(licenseId: string, t: Transition, origin: Origin = {}): Promise<Outcome> {
      return commit(() => step(stateOf(licenseId), t, origin, ctx.clock().toISOString()))
    },

    /** A license edit: plain fields plus the transitions its status and expiry imply, at once. */
    edit(licenseId: string, patch: UpdateLicenseInput, origin: Origin = {}): Promise<Outcome> {
      return commit(() => editStep(licenseId, patch, origin, ctx.clock().toISOString()))
    },

    /**
     * The same transition inside the caller's open synchronous transaction (a refund suspends
     * its keys in the transaction that refunds the order). The caller publishes the events
     * after its COMMIT with events.publish.
     */
    applyInTransaction(licenseId: string, t: Transition, origin: Origin = {}): Outcome {
      return step(stateOf(licenseId), t, origin, ctx.clock().toISOString())
    },
  }
}

export type LicenseLifecycle = ReturnType<typeof createLicenseLifecycle>
