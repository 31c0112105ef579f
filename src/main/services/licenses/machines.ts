import type { MachineDto, MachineViewDto } from '@shared/channels/console-licenses'
import type { Page } from '@shared/dto'
import * as repo from '../../db/repositories/console-machines'
import { type Actor, nowIso, type ServiceContext } from '../context'
import { effectivePolicy } from '../licensing/policy'
import { scopeOf } from '../store'
import type { LicensesService } from '.'

/**
 * Heartbeat state as the console shows it: `live` while heartbeats arrive on time (within two
 * intervals of the product's policy), `late` up to five intervals, then `silent`.
 */
export function heartbeatState(
  last: string | null,
  intervalSeconds: number,
  now: number,
): MachineDto['heartbeat'] {
  if (!last) return 'never'
  const age = (now - Date.parse(last)) / 1000
  if (age <= intervalSeconds * 2) return 'live'
  if (age <= intervalSeconds * 5) return 'late'
  return 'silent'
}

/**
 * The one definition of a machine's "last seen": the later of what writes the machine row
 * (activation, heartbeat: machines.last_seen_at, which a heartbeat sets with
 * last_heartbeat_at) and the newest validation naming its HWID (a read: only its event).
 */
export function lastSeenOf(m: { touched_at: string; last_validated_at: string | null }): string {
  const v = m.last_validated_at
  return v !== null && Date.parse(v) > Date.parse(m.touched_at) ? v : m.touched_at
}

function toMachineView(r: repo.MachineViewRow, now: number): MachineViewDto {
  const { touched_at: _touched, product_policy, license_policy, ...rest } = r
  const policy = effectivePolicy(product_policy, license_policy)
  return {
    ...rest,
    last_seen_at: lastSeenOf(r),
    heartbeat: heartbeatState(r.last_heartbeat_at, policy.heartbeat_seconds, now),
  }
}

/** The license drawer's machines (list, release), the ban action, and the machines view. */
export function createLicenseMachineOps(ctx: ServiceContext, deps: { licenses: LicensesService }) {
  return {
    async list(actor: Actor, licenseId: string): Promise<MachineViewDto[]> {
      await deps.licenses.load(actor, licenseId)
      const now = ctx.clock().getTime()
      return (await repo.listLicenseMachines(ctx.db, licenseId, nowIso(ctx))).map((m) =>
        toMachineView(m, now),
      )
    },

    /** Machines across the actor's licenses (optionally one customer's), newest seen first. */
    async listAll(
      actor: Actor,
      f: { q?: string; customerId?: string; page: number; limit: number },
    ): Promise<Page<MachineViewDto>> {
      const now = ctx.clock().getTime()
      const { rows, total } = await repo.listMachines(
        ctx.db,
        { scope: scopeOf(actor), q: f.q, customerId: f.customerId },
        nowIso(ctx),
        f.page,
        f.limit,
      )
      return { items: rows.map((r) => toMachineView(r, now)), page: f.page, limit: f.limit, total }
    },

    /** Unbinds one machine and ends its sessions (the lifecycle's release). */
    async release(
      actor: Actor,
      licenseId: string,
      machineId: string,
    ): Promise<{ released: true; sessions_revoked: number }> {
      const t = { kind: 'release_machine', machineId } as const
      const r = await deps.licenses.transition(actor, licenseId, t)
      return { released: true, sessions_revoked: r.sessions_revoked }
    },

    /** Bans the key for good and ends its sessions (the lifecycle's ban). */
    async ban(
      actor: Actor,
      licenseId: string,
      reason?: string,
    ): Promise<{ banned: true; sessions_revoked: number }> {
      const r = await deps.licenses.transition(actor, licenseId, { kind: 'ban', reason })
      return { banned: true, sessions_revoked: r.sessions_revoked }
    },
  }
}

export type LicenseMachineOps = ReturnType<typeof createLicenseMachineOps>
