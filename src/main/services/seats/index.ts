import type { EventDto } from '@shared/dto'
import * as seats from '../../db/repositories/seats'
import type { CulledMachine } from '../../db/repositories/seats'
import type { Actor, ServiceContext } from '../context'
import type { EventsService, RecordEvent } from '../events'
import type { LicensesService } from '../licenses'
import { effectivePolicy } from '../licensing/policy'

/** Machines per culling transaction: a short write, so heartbeats never wait long behind one. */
export const CULL_BATCH = 500

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

  function eventOf(
    type: string,
    m: CulledMachine,
    productId: string | null,
    details: Record<string, unknown>,
  ): RecordEvent {
    return {
      type,
      severity: 'info',
      productId,
      licenseId: m.license_id,
      machineId: m.id,
      hwid: m.hwid,
      details,
    }
  }

  /** One batch of pass 1; returns how many seats it freed. */
  async function freeBatch(licenseId: string | null, out: EventDto[]): Promise<number> {
    const now = ctx.clock().toISOString()
    const events = await ctx.tx(async (trx) => {
      const freed = await seats.freeDeadSeats(trx, now, CULL_BATCH, licenseId)
      const policies = await seats.policiesOf(trx, [...new Set(freed.map((m) => m.license_id))])
      const written: EventDto[] = []
      for (const m of freed) {
        const p = policies.get(m.license_id)
        const mode = p ? effectivePolicy(p.product_policy, p.license_policy).mode : 'floating'
        // A node-locked machine keeps its binding until its resurrection window closes.
        const type = mode === 'floating' ? 'seat.freed' : 'machine.dead'
        written.push(
          await deps.events.insert(
            trx,
            eventOf(type, m, p?.product_id ?? null, { reason: 'culled', mode }),
          ),
        )
      }
      return written
    })
    out.push(...events)
    return events.length
  }

  /** One batch of pass 2; returns [ended, deactivated]. */
  async function buryBatch(licenseId: string | null, out: EventDto[]): Promise<[number, number]> {
    const now = ctx.clock().toISOString()
    const r = await ctx.tx(async (trx) => {
      const buried = await seats.buryFreedSeats(trx, now, CULL_BATCH, licenseId)
      const gone = buried.filter(
        (m) => effectivePolicy(m.product_policy, m.license_policy).dead_machine === 'deactivate',
      )
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
      const goneIds = new Set(gone.map((m) => m.id))
      const written: EventDto[] = []
      for (const m of buried) {
        const action = goneIds.has(m.id) ? 'deactivated' : 'session_ended'
        written.push(
          await deps.events.insert(
            trx,
            eventOf('machine.culled', m, m.product_id, {
              reason: 'resurrection_window_closed',
              action,
            }),
          ),
        )
      }
      return { ended: buried.length, deactivated: gone.length, written }
    })
    out.push(...r.written)
    return [r.ended, r.deactivated]
  }

  /** Both passes to the end (batch after batch), for every license or one. */
  async function cull(licenseId: string | null = null): Promise<CullResult> {
    const result: CullResult = { freed: 0, ended: 0, deactivated: 0 }
    const events: EventDto[] = []
    try {
      for (;;) {
        const n = await freeBatch(licenseId, events)
        result.freed += n
        if (n < CULL_BATCH) break
      }
      for (;;) {
        const [ended, deactivated] = await buryBatch(licenseId, events)
        result.ended += ended
        result.deactivated += deactivated
        if (ended < CULL_BATCH) break
      }
    } finally {
      deps.events.publish(...events)
    }
    return result
  }

  return {
    /** Runs culling now over every license (what the periodic task runs each interval). */
    runOnce: (): Promise<CullResult> => cull(null),

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
        running = cull(null)
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
