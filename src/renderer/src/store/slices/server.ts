import type { ServerStatus } from '@shared/dto'
import { call, subscribe } from '../api'
import type { Slice } from '../types'

export interface ServerSlice {
  server: ServerStatus | null
  /** True when the console cannot reach main at all (HTTP console: server gone). */
  serverUnreachable: boolean
  loadServer(): Promise<void>
  /** Follows pushed status changes; returns the unsubscribe function. */
  watchServer(): () => void
}

/** The embedded server's status (URL, up/down) shown in the sidebar and on the dashboard. */
export const createServerSlice: Slice<ServerSlice> = (set) => ({
  server: null,
  serverUnreachable: false,
  async loadServer() {
    try {
      set({ server: await call('server.status', {}), serverUnreachable: false })
    } catch {
      set({ serverUnreachable: true })
    }
  },
  watchServer() {
    return subscribe('server.status', (server) => set({ server, serverUnreachable: false }))
  },
})
