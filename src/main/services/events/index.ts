import type { Executor } from '../../db/connection'
import type { EventRow, NewEvent, Severity } from '../../db/schema'
import type { Actor, ServiceContext } from '../context'
import { nowIso, ownerOf, seesAll } from '../context'
import * as repo from '../../db/repositories/events'
import type { EventDto, Page } from '@shared/dto'

export interface RecordEvent {
  type: string
  severity?: Severity
  productId?: string | null
  licenseId?: string | null
  machineId?: string | null
  hwid?: string | null
  ip?: string | null
  userAgent?: string | null
  details?: Record<string, unknown>
  blocked?: boolean
}

export const EVENT_PUSHED = 'event'
/**
 * Events another worker of `serve --workers N` recorded (workers.ts relays them): live streams
 * show them too; nothing else acts on them (their worker already did).
 */
export const EVENT_FROM_WORKER = 'event.from_worker'
/** Emitted with this process's number of open live streams whenever it changes. */
export const EVENT_STREAMS = 'event.streams'

/**
 * Whose events an actor sees: every event (undefined) for the console and admins, else only
 * those of the account's own products; installation events (no product) are admins' only.
 */
export function eventOwnerScope(actor: Actor): string | undefined {
  // A user account with no id cannot happen; '\u0000' matches no owner if it ever did.
  return seesAll(actor) ? undefined : (ownerOf(actor) ?? '\u0000')
}

/** The append-only audit and security log. Every state change that matters goes through here. */
export function createEventsService(ctx: ServiceContext) {
  let streams = 0
  function rowOf(e: RecordEvent): Omit<EventRow, 'id'> {
    return {
      type: e.type,
      severity: e.severity ?? 'info',
      product_id: e.productId ?? null,
      license_id: e.licenseId ?? null,
      machine_id: e.machineId ?? null,
      hwid: e.hwid ?? null,
      ip: e.ip ?? null,
      user_agent: e.userAgent ?? null,
      details: JSON.stringify(e.details ?? {}),
      blocked: e.blocked ? 1 : 0,
      created_at: nowIso(ctx),
    } satisfies NewEvent
  }

  /**
   * Writes one event inside the caller's transaction (`trx`), so that the event commits or rolls
   * back with the change it describes. Not pushed: the caller publishes the returned event once
   * its transaction has committed.
   */
  async function insert(trx: Executor, e: RecordEvent): Promise<EventDto> {
    const row = rowOf(e)
    return repo.toEventDto({ ...row, id: await repo.insertEvent(trx, row) })
  }

  /** Pushes committed events to live listeners (console feed, webhooks). */
  function publish(...dtos: readonly EventDto[]): void {
    for (const dto of dtos) ctx.bus.emit(EVENT_PUSHED, dto)
  }

  return {
    insert,
    publish,

    /** Writes one event and pushes it to live listeners (console feed, webhooks). */
    async record(e: RecordEvent): Promise<EventDto> {
      // Every client request records an event, and a commit per event was a fifth of a
      // validate's CPU under load (`npm run bench`): on SQLite the events of one event-loop
      // turn share one COMMIT, on PostgreSQL it is one autocommit INSERT (ctx.write), and
      // `record()` still resolves only once it committed.
      const dto = await ctx.write((ex) => insert(ex, e))
      publish(dto)
      return dto
    },

    /** One license's events, as far as the actor may see them. */
    async listForLicense(
      actor: Actor,
      licenseId: string,
      page: number,
      limit: number,
    ): Promise<Page<EventDto>> {
      return repo.listEvents(ctx.db, { licenseId, ownerId: eventOwnerScope(actor) }, page, limit)
    },

    /** The newest events the actor may see (a `user` account: its own products'). */
    async recent(actor: Actor, limit: number): Promise<EventDto[]> {
      return (await repo.listEvents(ctx.db, { ownerId: eventOwnerScope(actor) }, 1, limit)).items
    },

    /**
     * Live events as they are recorded, filtered for the actor: the console's push stream.
     * `actor` is read for every event, so a changed role applies to an open stream.
     * Returns the unsubscribe function.
     */
    subscribe(actor: () => Actor, listener: (e: EventDto) => void): () => void {
      // Owner checks read the database: chained, so that the listener gets events in order.
      let delivered: Promise<void> = Promise.resolve()
      let open = true
      const onEvent = (e: EventDto) => {
        const owner = eventOwnerScope(actor())
        if (owner === undefined) {
          listener(e)
          return
        }
        delivered = delivered
          .then(async () => {
            if ((await repo.eventOfOwner(ctx.db, e.product_id, owner)) && open) listener(e)
          })
          .catch(() => {}) // a failed lookup drops that one push, not the stream
      }
      ctx.bus.on(EVENT_PUSHED, onEvent)
      ctx.bus.on(EVENT_FROM_WORKER, onEvent)
      ctx.bus.emit(EVENT_STREAMS, ++streams)
      return () => {
        if (!open) return
        open = false
        ctx.bus.off(EVENT_PUSHED, onEvent)
        ctx.bus.off(EVENT_FROM_WORKER, onEvent)
        ctx.bus.emit(EVENT_STREAMS, --streams)
      }
    },
  }
}

export type EventsService = ReturnType<typeof createEventsService>
