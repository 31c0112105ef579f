import type { MachineDto } from '@shared/channels/console-licenses'
import * as repo from '../../db/repositories/console-machines'
import { type Actor, nowIso, type ServiceContext } from '../context'
import type { ProductsService } from '../products'
import { effectivePolicy } from '../licensing/policy'
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

/** The license drawer's machines (list, release) and the ban action. */
export function createLicenseMachineOps(
  ctx: ServiceContext,
  deps: { licenses: LicensesService; products: ProductsService },
) {
  return {
    async list(actor: Actor, licenseId: string): Promise<MachineDto[]> {
      const l = await deps.licenses.load(actor, licenseId)
      const policy = effectivePolicy(
        (await deps.products.load(actor, l.product_id)).policy,
        l.policy,
      )
      const now = ctx.clock().getTime()
      return (await repo.listLicenseMachines(ctx.db, licenseId, nowIso(ctx))).map((m) => ({
        ...m,
        heartbeat: heartbeatState(m.last_heartbeat_at, policy.heartbeat_seconds, now),
      }))
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
      reason: string,
    ): Promise<{ banned: true; sessions_revoked: number }> {
      const r = await deps.licenses.transition(actor, licenseId, { kind: 'ban', reason })
      return { banned: true, sessions_revoked: r.sessions_revoked }
    },
  }
}

export type LicenseMachineOps = ReturnType<typeof createLicenseMachineOps>
