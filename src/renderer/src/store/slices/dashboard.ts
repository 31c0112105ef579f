import type { EventDto } from '@shared/dto'
import type { DashboardStats } from '@shared/channels/dashboard'
import { call, errorMessage } from '../api'
import type { Slice } from '../types'

export interface DashboardSlice {
  dashboard: DashboardStats | null
  dashboardError: string | null
  loadDashboard(): Promise<void>
  /** A pushed event arrived: refresh the numbers within 5 s (a burst of events costs one call). */
  noteLiveEvent(e: EventDto): void
}

let pending: ReturnType<typeof setTimeout> | null = null

/** Dashboard numbers and charts, computed by the server from the event log. */
export const createDashboardSlice: Slice<DashboardSlice> = (set, get) => ({
  dashboard: null,
  dashboardError: null,
  async loadDashboard() {
    try {
      set({ dashboard: await call('dashboard.summary', {}), dashboardError: null })
    } catch (e) {
      set({ dashboardError: errorMessage(e) })
    }
  },
  noteLiveEvent() {
    if (pending || get().route.screen !== 'dashboard') return
    pending = setTimeout(() => {
      pending = null
      void get().loadDashboard()
    }, 5000)
  },
})
