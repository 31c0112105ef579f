import { httpBridge } from '../../bridge'
import { errorMessage } from '../api'
import type { Slice } from '../types'

export type Credentials = { token: string } | { email: string; password: string }

export interface SessionSlice {
  /** 'ipc' in the desktop app (always signed in), 'http' in a browser (login required). */
  transport: 'ipc' | 'http'
  auth: 'checking' | 'in' | 'out'
  loginError: string | null
  checkSession(): Promise<void>
  login(c: Credentials): Promise<boolean>
  logout(): Promise<void>
}

/** Who is signed in to the console. The desktop app is its owner; a browser logs in. */
export const createSessionSlice: Slice<SessionSlice> = (set) => {
  // A session the server ended (see HttpBridge.onSessionEnded) returns to the login screen.
  if (httpBridge) httpBridge.onSessionEnded = (message) => set({ auth: 'out', loginError: message })
  return {
    transport: httpBridge ? 'http' : 'ipc',
    auth: httpBridge ? 'checking' : 'in',
    loginError: null,
    async checkSession() {
      if (!httpBridge) return set({ auth: 'in' })
      const ok = await httpBridge.resume().catch(() => false)
      set({ auth: ok ? 'in' : 'out' })
    },
    async login(c) {
      if (!httpBridge) return true
      try {
        await httpBridge.login(c)
        set({ auth: 'in', loginError: null })
        return true
      } catch (e) {
        set({ loginError: errorMessage(e) })
        return false
      }
    },
    async logout() {
      if (!httpBridge) return
      await httpBridge.logout().catch(() => undefined)
      set({ auth: 'out' })
    },
  }
}
