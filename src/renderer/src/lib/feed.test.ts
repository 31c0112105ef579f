import { describe, expect, it } from 'vitest'
import type { EventDto } from '@shared/dto'
import { collapseFeed } from './feed'

let id = 0
const ev = (
  type: string,
  ip: string | null,
  severity: EventDto['severity'] = 'high',
): EventDto => ({
  id: ++id,
  type,
  severity,
  product_id: null,
  license_id: null,
  machine_id: null,
  hwid: null,
  ip,
  user_agent: null,
  details: {},
  blocked: true,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString(),
})

describe('collapseFeed', () => {
  it('folds 99 identical hits from one IP into one item and keeps the others apart', () => {
    const hits = Array.from({ length: 99 }, () => ev('blacklist_hit', '10.0.0.5'))
    const items = collapseFeed([
      ev('license.created', null, 'info'),
      ...hits,
      ev('blacklist_hit', '10.0.0.6'),
      ev('brute_force', '10.0.0.5'),
    ])
    expect(items.map((i) => [i.event.type, i.count, i.source])).toEqual([
      ['license.created', 1, null],
      ['blacklist_hit', 99, '10.0.0.5'],
      ['blacklist_hit', 1, '10.0.0.6'],
      ['brute_force', 1, '10.0.0.5'],
    ])
    // The item shows the newest event of its run.
    expect(items[1].event.id).toBe(hits[0].id)
  })
})
