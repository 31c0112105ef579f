import type { EventDto } from '@shared/dto'

/** A run of events the feed shows as one line: the newest, how many, from whom. */
export interface FeedItem {
  event: EventDto
  count: number
  /** The IP, HWID or license the run came from ("10.0.0.5"), when the events say. */
  source: string | null
}

const sourceOf = (e: EventDto) => e.ip ?? e.hwid ?? e.license_id ?? null

/**
 * Collapses consecutive events of the same type, severity and source (newest first, as the
 * feed holds them) into one item, so 99 blacklist hits from one address read as one line
 * ("Blacklist hit ×99 from 10.0.0.5") and the rest of the feed stays visible.
 */
export function collapseFeed(events: EventDto[]): FeedItem[] {
  const out: FeedItem[] = []
  for (const e of events) {
    const last = out.at(-1)
    const source = sourceOf(e)
    if (
      last &&
      last.event.type === e.type &&
      last.event.severity === e.severity &&
      last.source === source
    ) {
      last.count++
    } else {
      out.push({ event: e, count: 1, source })
    }
  }
  return out
}
