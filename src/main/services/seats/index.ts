import type { EventDto } from '@shared/dto'
import * as seats from '../../db/repositories/seats'
import type { CulledMachine } from '../../db/repositories/seats'
import type { Actor, ServiceContext } from '../context'
import type { EventsService, RecordEvent } from '../events'
import type { LicensesService } from '../licenses'
import { effectivePolicy } from '../licensing/policy'

/** Machines per culling transaction: a short write, so heartbeats never wait long behind one. */
export const CULL_BATCH = 200

/**
 * How long one periodic run may work before it leaves the rest to the next interval (it
 * yields to requests between batches as well): a backlog of dead seats after a long stop is
 * worked off in slices instead of starving heartbeats. On-demand culling of one license has no
 * budget (a license has few machines).
 */
export const CULL_BUDGET_MS = 250

/** hwids listed in one culling event (the count is always exact). */
const HWIDS_PER_EVENT = 20

/** Default interval of the culling task, seconds (RuntimeOptions.cullIntervalSeconds). */
export const DEFAULT_CULL_INTERVAL_SECONDS = 30

export interface CullResult {
  /** Held seats found dead and freed (their machines may still come back). */
  freed: number
  /** Freed seats whose resurrection window closed: their sessions ended. */
  ended: number
  /** Of those, machines unbound (dead_machine=deactivate). */
  deactivated: number
}

/**
 * Culling: the one thing that frees the seats of dead machines (never a request that happens
 * to arrive). A periodic task started with the runtime, and on demand per license (console,
 * `POST /api/licenses/:id/seats/cull`). Two passes, each a conditional UPDATE claimed with the
 * dialect's skipLocked, so every node may run it at once and each machine is culled once:
 * 1. held seats past seat_dead_at become 'freed' (floating: the seat is free for others);
 * 2. freed seats past seat_bury_at (the resurrection window) end their sessions, and under
 *    dead_machine=deactivate their machine is unbound.
 */
export function createSeatsService(
  ctx: ServiceContext,
  deps: { events: EventsService; licenses: LicensesService },
) {
  let timer: NodeJS.Timeout | null = null
  let running: Promise<unknown> | null = null

  /**
   * One event per license per batch (culling may free thousands of seats at once: one event
   * per seat would cost more than the culling): the count, and the hwids (the first 20).
   */
  function eventsOf(
    type: string,
    machines: CulledMachine[],
    productOf: (licenseId: string) => string | null,
    details: (licenseId: string) => Record<string, unknown>,
  ): RecordEvent[] {
    const byLicense = new Map<string, CulledMachine[]>()
    for (const m of machines) {
      const list = byLicense.get(m.license_id) ?? []
      list.push(m)
      byLicense.set(m.license_id, list)
    }
    return [...byLicense].map(([licenseId, ms]) => ({
      type,
      severity: 'info' as const,
      productId: productOf(licenseId),
      licenseId,
      machineId: ms.length === 1 ? ms[0].id : null,
      hwid: ms.length === 1 ? ms[0].hwid : null,
      details: {
        ...details(licenseId),
        count: ms.length,
        hwids: ms.slice(0, HWIDS_PER_EVENT).map((m) => m.hwid),
      },
    }))
  }

  /** One batch of pass 1; returns how many seats it freed. */
  async function freeBatch(licenseId: string | null, out: EventDto[]): Promise<number> {
    const now = ctx.clock().toISOString()
    const r = await ctx.tx(async (trx) => {
      const freed = await seats.freeDeadSeats(trx, now, CULL_BATCH, licenseId)
      const policies = await seats.policiesOf(trx, [...new Set(freed.map((m) => m.license_id))])
      const modeOf = (id: string) => {
        const p = policies.get(id)
        return p ? effectivePolicy(p.product_policy, p.license_policy).mode : 'floating'
      }
      // A node-locked machine keeps its binding until its resurrection window closes.
      const floating = freed.filter((m) => modeOf(m.license_id) === 'floating')
      const locked = freed.filter((m) => modeOf(m.license_id) !== 'floating')
      const productOf = (id: string) => policies.get(id)?.product_id ?? null
      const written: EventDto[] = []
      for (const e of [
        ...eventsOf('seat.freed', floating, productOf, () => ({ reason: 'culled' })),
        ...eventsOf('machine.dead', locked, productOf, () => ({ reason: 'culled' })),
      ])
        written.push(await deps.events.insert(trx, e))
      return { n: freed.length, written }
    })
    out.push(...r.written)
    return r.n
  }

  /** One batch of pass 2; returns [ended, deactivated]. */
  async function buryBatch(licenseId: string | null, out: EventDto[]): Promise<[number, number]> {
    const now = ctx.clock().toISOString()
    const r = await ctx.tx(async (trx) => {
      const buried = await seats.buryFreedSeats(trx, now, CULL_BATCH, licenseId)
      const deactivates = (m: (typeof buried)[number]) =>
        effectivePolicy(m.product_policy, m.license_policy).dead_machine === 'deactivate'
      const gone = buried.filter(deactivates)
      const kept = buried.filter((m) => !deactivates(m))
      await seats.revokeSessionsOfMachines(
        trx,
        buried.map((m) => m.id),
        'seat_culled',
        now,
      )
      await seats.deleteMachines(
        trx,
        gone.map((m) => m.id),
      )
      const productOf = (id: string) => buried.find((m) => m.license_id === id)?.product_id ?? null
      const why = { reason: 'resurrection_window_closed' }
      const written: EventDto[] = []
      for (const e of [
        ...eventsOf('machine.culled', gone, productOf, () => ({ ...why, action: 'deactivated' })),
        ...eventsOf('machine.culled', kept, productOf, () => ({ ...why, action: 'session_ended' })),
      ])
        written.push(await deps.events.insert(trx, e))
      return { ended: buried.length, deactivated: gone.length, written }
    })
    out.push(...r.written)
    return [r.ended, r.deactivated]
  }

  /**
   * Both passes, batch after batch, for every license or one. With `budgetMs` the run stops
   * after that much work (the next interval goes on), and between batches it yields to the
   * requests waiting for the database.
   */
  async function cull(licenseId: string | null, budgetMs = Infinity): Promise<CullResult> {
    const result: CullResult = { freed: 0, ended: 0, deactivated: 0 }
    const events: EventDto[] = []
    const until = performance.now() + budgetMs
    const more = async () => {
      if (performance.now() >= until) return false
      await new Promise((r) => setImmediate(r))
      return true
    }
    try {
      for (;;) {
        const n = await freeBatch(licenseId, events)
        result.freed += n
        if (n < CULL_BATCH || !(await more())) break
      }
      for (;;) {
        const [ended, deactivated] = await buryBatch(licenseId, events)
        result.ended += ended
        result.deactivated += deactivated
        if (ended < CULL_BATCH || !(await more())) break
      }
    } finally {
      deps.events.publish(...events)
    }
    return result
  }

  return {
    /**
     * One run of the periodic task over every license (bounded by CULL_BUDGET_MS unless told
     * otherwise: tests cull everything due at once).
     */
    runOnce: (budgetMs = Infinity): Promise<CullResult> => cull(null, budgetMs),

    /** On demand: culls one license now (its dead seats freed, closed windows ended). */
    async cullLicense(actor: Actor, licenseId: string): Promise<CullResult> {
      await deps.licenses.load(actor, licenseId)
      return cull(licenseId)
    },

    /** Starts the periodic task (the runtime calls this); a run never overlaps the previous. */
    start(intervalSeconds = DEFAULT_CULL_INTERVAL_SECONDS): void {
      if (timer || intervalSeconds <= 0) return
      timer = setInterval(() => {
        if (running) return
        running = cull(null, CULL_BUDGET_MS)
          .catch(() => {}) // a failed run (database briefly gone) is retried next interval
          .finally(() => (running = null))
      }, intervalSeconds * 1000)
      timer.unref()
    },

    /** Stops the task and waits for a run in progress (the runtime's close). */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer)
      timer = null
      await running
    },
  }
}

export type SeatsService = ReturnType<typeof createSeatsService>
