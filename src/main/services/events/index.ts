import type { EventRow, NewEvent, Severity } from '../../db/schema'
import type { ServiceContext } from '../context'
import { nowIso } from '../context'
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

/** The append-only audit and security log. Every state change that matters goes through here. */
export function createEventsService(ctx: ServiceContext) {
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
   * Writes one event inside the caller's open (synchronous) transaction, so that the event
   * commits or rolls back with the change it describes. Not pushed: the caller publishes the
   * returned event once its transaction has committed.
   */
  function insert(e: RecordEvent): EventDto {
    const row = rowOf(e)
    return repo.toEventDto({ ...row, id: repo.insertEventRow(ctx.sqlite, row) })
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
      // validate's CPU under load (`npm run bench`): events share the hot path's group commit,
      // and `record()` still resolves only once its row is committed.
      const dto = await ctx.writes.run(() => insert(e))
      publish(dto)
      return dto
    },

    async listForLicense(licenseId: string, page: number, limit: number): Promise<Page<EventDto>> {
      return repo.listEvents(ctx.db, { licenseId }, page, limit)
    },

    async recent(limit: number): Promise<EventDto[]> {
      return (await repo.listEvents(ctx.db, {}, 1, limit)).items
    },
  }
}

export type EventsService = ReturnType<typeof createEventsService>
