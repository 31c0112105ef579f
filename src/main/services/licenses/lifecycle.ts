import type { EventDto } from '@shared/dto'
import { DomainError } from '@shared/errors'
import type { UpdateLicenseInput } from '@shared/schemas'
import * as repo from '../../db/repositories/lifecycle'
import type { LicenseState } from '../../db/repositories/lifecycle'
import type { Trx } from '../../db/connection'
import { upsertMachine, type MachineSeen } from '../../db/repositories/machines'
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
 * Suspend and ban take an optional reason (status_reason and the event's `reason`; without one,
 * "Suspended" / "Banned"); resume and unban clear it.
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
  | { kind: 'suspend'; reason?: string }
  | { kind: 'resume' }
  | { kind: 'ban'; reason?: string }
  | { kind: 'unban' }
  | { kind: 'expire' }
  | { kind: 'revoke'; reason?: string }
  | { kind: 'reset_hwid' }
  | { kind: 'restore_hwid'; hwid: string }
  | { kind: 'release_machine'; machineId: string }
  | { kind: 'extend'; days: number }
  | { kind: 'extend'; expiresAt: string | null }
  | { kind: 'delete' }

/**
 * An edit as the lifecycle applies it: the update schema's fields, with the customer already
 * resolved to its id by the licenses service (which knows the product's owner).
 */
export type LicenseEdit = Omit<UpdateLicenseInput, 'customer_email'> & {
  customer_id?: string | null
}

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
  const insertEvent = (trx: Trx, e: RecordEvent) => deps.events.insert(trx, e)

  /** Binds a machine in `trx`'s transaction through the one machine-row writer. */
  async function bindMachine(trx: Trx, m: MachineSeen): Promise<void> {
    await upsertMachine(trx, m)
  }

  /** One transition on a license already read (and locked), inside the caller's transaction. */
  async function step(
    trx: Trx,
    l: LicenseState,
    t: Transition,
    origin: Origin,
    now: string,
  ): Promise<Outcome> {
    const events: EventDto[] = []
    const record = async (e: Omit<RecordEvent, 'productId' | 'licenseId' | 'ip' | 'userAgent'>) => {
      events.push(
        await insertEvent(trx, {
          ...e,
          productId: l.product_id,
          licenseId: l.id,
          ip: origin.ip ?? null,
          userAgent: origin.userAgent ?? null,
          details: { ...origin.details, ...e.details },
        }),
      )
    }
    const endSessions = (why: string) => repo.revokeSessionsOf(trx, l.id, why, now)

    switch (t.kind) {
      case 'suspend': {
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'A banned license is not suspended; unban it')
        if (l.status === 'suspended') return { ...NOTHING, events }
        const reason = t.reason?.trim() || 'Suspended'
        await repo.setStatus(trx, l.id, 'suspended', reason, now)
        const revoked = await endSessions('license_suspended')
        await record({
          type: 'license.suspended',
          severity: 'medium',
          details: { reason, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: 0, events }
      }
      case 'resume': {
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'A banned license is not resumed; unban it')
        if (l.status !== 'suspended') return { ...NOTHING, events }
        await repo.setStatus(trx, l.id, 'active', null, now)
        await record({ type: 'license.resumed', details: { sessions_revoked: 0 } })
        return { ...NOTHING, changed: true, events }
      }
      case 'ban': {
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'This license is already banned')
        const reason = t.reason?.trim() || 'Banned'
        await repo.setStatus(trx, l.id, 'banned', reason, now)
        const revoked = await endSessions('license_banned')
        await record({
          type: 'license.banned',
          severity: 'high',
          details: { reason, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: 0, events }
      }
      case 'unban': {
        if (l.status !== 'banned') return { ...NOTHING, events }
        await repo.setStatus(trx, l.id, 'active', null, now)
        await record({ type: 'license.unbanned', details: { sessions_revoked: 0 } })
        return { ...NOTHING, changed: true, events }
      }
      case 'expire': {
        if (l.status === 'expired') return { ...NOTHING, events }
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'A banned license is not expired; unban it')
        await repo.setStatus(trx, l.id, 'expired', l.status_reason, now)
        const revoked = await endSessions('license_expired')
        await record({
          type: 'license.expired',
          details: { manual: true, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: 0, events }
      }
      case 'revoke': {
        const revoked = await endSessions('license_revoked')
        await record({
          type: 'license.sessions_revoked',
          details: { reason: t.reason ?? null, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: 0, events }
      }
      case 'reset_hwid': {
        const revoked = await endSessions('hwid_reset')
        const freed = await repo.deleteMachinesOf(trx, l.id)
        await record({
          type: 'license.hwid_reset',
          details: { machines_released: freed, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: freed, events }
      }
      case 'restore_hwid': {
        const revoked = await endSessions('hwid_restored')
        const freed = await repo.deleteMachinesOf(trx, l.id)
        await bindMachine(trx, {
          id: uuid(),
          licenseId: l.id,
          hwid: t.hwid,
          platform: null,
          osVersion: null,
          ip: origin.ip ?? null,
          now,
          // Bound without a session: it takes its seat (if floating) with its first check.
          mark: { seat: null, seat_dead_at: null, seat_bury_at: null },
        })
        await record({
          type: 'license.hwid_restored',
          details: { hwid: t.hwid, machines_released: freed, sessions_revoked: revoked },
        })
        return { changed: true, sessions_revoked: revoked, machines_released: freed, events }
      }
      case 'release_machine': {
        const m = await repo.findMachineOf(trx, l.id, t.machineId)
        if (!m) throw new DomainError('NOT_FOUND', 'This machine is not bound to the license')
        const revoked = await repo.revokeMachineSessions(trx, m.id, 'machine_released', now)
        await repo.deleteMachine(trx, m.id)
        await record({
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
        await repo.setExpiry(trx, l.id, next, revived ? 'active' : l.status, now)
        await record({
          type: 'license.extended',
          details: { expires_at: next, previous_expires_at: l.expires_at, sessions_revoked: 0 },
        })
        return { ...NOTHING, changed: true, events }
      }
      case 'delete': {
        const revoked = await endSessions('license_deleted')
        const freed = await repo.deleteMachinesOf(trx, l.id)
        await repo.deleteLicense(trx, l.id)
        await record({
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

  async function stateOf(trx: Trx, licenseId: string): Promise<LicenseState> {
    const l = await repo.lockLicenseState(trx, licenseId)
    if (!l) throw new DomainError('LICENSE_NOT_FOUND', 'License not found')
    return l
  }

  /** A license edit (PUT /api/licenses/:id, console licenses.update) as transitions. */
  async function editStep(
    trx: Trx,
    licenseId: string,
    patch: LicenseEdit,
    origin: Origin,
    now: string,
  ): Promise<Outcome> {
    const plain: Partial<Record<repo.EditableColumn, string | number | null>> = {}
    if (patch.type !== undefined) plain.type = patch.type
    if (patch.max_uses !== undefined) plain.max_uses = patch.max_uses
    if (patch.hwid_locked !== undefined) plain.hwid_locked = patch.hwid_locked ? 1 : 0
    if (patch.max_sessions !== undefined) plain.max_sessions = patch.max_sessions
    if (patch.level !== undefined) plain.level = patch.level
    if (patch.metadata !== undefined) plain.metadata = JSON.stringify(patch.metadata)
    if (patch.notes !== undefined) plain.notes = patch.notes
    if (patch.customer_id !== undefined) plain.customer_id = patch.customer_id
    // An empty override is no override: the license follows its product again.
    if (patch.policy !== undefined)
      plain.policy =
        patch.policy === null || Object.keys(patch.policy).length === 0
          ? null
          : JSON.stringify(patch.policy)
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
    if (patch.expires_at !== undefined) {
      const s = await stateOf(trx, licenseId)
      add(await step(trx, s, { kind: 'extend', expiresAt: patch.expires_at }, origin, now))
    }
    if (patch.status !== undefined) {
      const s = await stateOf(trx, licenseId)
      const t: Transition =
        patch.status === 'suspended'
          ? { kind: 'suspend', reason: patch.status_reason ?? undefined }
          : patch.status === 'expired'
            ? { kind: 'expire' }
            : s.status === 'banned'
              ? { kind: 'unban' }
              : { kind: 'resume' }
      add(await step(trx, s, t, origin, now))
    }
    const l = await stateOf(trx, licenseId)
    const fields = Object.keys(plain)
    if (fields.length > 0) {
      await repo.updateColumns(trx, licenseId, plain, now)
      add({
        ...NOTHING,
        changed: true,
        events: [
          await insertEvent(trx, {
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

  /** Runs `work` in its own transaction, then pushes the events it committed. */
  async function commit(work: (trx: Trx) => Promise<Outcome>): Promise<Outcome> {
    const out = await ctx.tx(work)
    deps.events.publish(...out.events)
    return out
  }

  return {
    /**
     * Applies one transition to a license in its own transaction. The caller has decided that
     * its actor may touch this license (each surface authorizes in its own terms).
     */
    apply(licenseId: string, t: Transition, origin: Origin = {}): Promise<Outcome> {
      return commit(async (trx) =>
        step(trx, await stateOf(trx, licenseId), t, origin, ctx.clock().toISOString()),
      )
    },

    /** A license edit: plain fields plus the transitions its status and expiry imply, at once. */
    edit(licenseId: string, patch: LicenseEdit, origin: Origin = {}): Promise<Outcome> {
      return commit((trx) => editStep(trx, licenseId, patch, origin, ctx.clock().toISOString()))
    },

    /**
     * The same transition inside the caller's transaction `trx` (a refund suspends its keys in
     * the transaction that refunds the order). The caller publishes the events after its COMMIT
     * with events.publish.
     */
    async applyIn(
      trx: Trx,
      licenseId: string,
      t: Transition,
      origin: Origin = {},
    ): Promise<Outcome> {
      return step(trx, await stateOf(trx, licenseId), t, origin, ctx.clock().toISOString())
    },
  }
}

export type LicenseLifecycle = ReturnType<typeof createLicenseLifecycle>
