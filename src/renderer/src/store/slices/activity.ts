import type { EventDto } from '@shared/dto'
import { call, subscribe } from '../api'
import type { Slice } from '../types'

// Runs of identical events are collapsed on screen (lib/feed.ts), so the feed keeps enough
// events for a burst and what came before it.
const FEED_SIZE = 200

export interface ActivitySlice {
  activity: EventDto[]
  activityLoaded: boolean
  loadActivity(): Promise<void>
  /** Follows pushed events (IPC or SSE, never polling); returns the unsubscribe function. */
  watchActivity(): () => void
}

/** The live recent-activity feed. */
export const createActivitySlice: Slice<ActivitySlice> = (set, get) => ({
  activity: [],
  activityLoaded: false,
  async loadActivity() {
    try {
      set({ activity: await call('events.recent', { limit: FEED_SIZE }), activityLoaded: true })
    } catch {
      set({ activityLoaded: true })
    }
  },
  watchActivity() {
    return subscribe('events.new', (e) => {
      if (get().activity.some((x) => x.id === e.id)) return
      set({ activity: [e, ...get().activity].slice(0, FEED_SIZE) })
      get().noteLiveEvent(e)
    })
  },
})
