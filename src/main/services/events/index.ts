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
  // Group commit: every client request records an event, and a commit per event was a fifth of
  // a validate's CPU under load (`npm run bench`). Events recorded in the same turn of the
  // event loop are written in one transaction; each `record()` still resolves only once its
  // row is committed, so nothing is acknowledged before it is durable.
  type Pending = {
    row: Omit<EventRow, 'id'>
    resolve: (id: number) => void
    reject: (e: unknown) => void
  }
  let pending: Pending[] = []

  async function flush(): Promise<void> {
    // Never inside someone else's open transaction (a Kysely one awaiting, say): wait it out,
    // as Kysely's own connection lock would have.
    while (ctx.sqlite.inTransaction) await new Promise((r) => setImmediate(r))
    const batch = pending
    pending = []
    try {
      const ids = ctx.sqlite.transaction(() =>
        batch.map((p) => repo.insertEventRow(ctx.sqlite, p.row)),
      )()
      batch.forEach((p, i) => p.resolve(ids[i]))
    } catch (e) {
      batch.forEach((p) => p.reject(e))
    }
  }

  function write(row: Omit<EventRow, 'id'>): Promise<number> {
    return new Promise((resolve, reject) => {
      pending.push({ row, resolve, reject })
      if (pending.length === 1) setImmediate(() => void flush())
    })
  }

  return {
    /** Writes one event and pushes it to live listeners (console feed, webhooks). */
    async record(e: RecordEvent): Promise<EventDto> {
      const row = {
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
      const id = await write(row)
      const dto = repo.toEventDto({ ...row, id })
      ctx.bus.emit(EVENT_PUSHED, dto)
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
