import type { EventDto } from '@shared/dto'
import { call, subscribe } from '../api'
import type { Slice } from '../types'

const FEED_SIZE = 100

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
      set({ activity: await call('events.recent', { limit: 50 }), activityLoaded: true })
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
