import { httpBridge } from '../../bridge'
import { call, errorMessage } from '../api'
import type { Slice } from '../types'

export type Credentials = { token: string } | { email: string; password: string }

export interface SessionSlice {
  /** 'ipc' in the desktop app (always signed in), 'http' in a browser (login required). */
  transport: 'ipc' | 'http'
  auth: 'checking' | 'in' | 'out'
  /**
   * Whether the signed-in actor administers the installation (the desktop app, the setup
   * token, an owner or admin account). A `user` account sees its own data and no installation
   * settings; the server refuses those channels either way, the console just does not offer them.
   */
  isAdmin: boolean
  loginError: string | null
  checkSession(): Promise<void>
  login(c: Credentials): Promise<boolean>
  logout(): Promise<void>
}

/** Who is signed in to the console. The desktop app is its owner; a browser logs in. */
export const createSessionSlice: Slice<SessionSlice> = (set) => {
  // A session the server ended (see HttpBridge.onSessionEnded) returns to the login screen.
  if (httpBridge) httpBridge.onSessionEnded = (message) => set({ auth: 'out', loginError: message })
  const signedIn = async () => {
    const me = await call('accounts.whoami', {}).catch(() => null)
    set({ auth: 'in', isAdmin: !me?.account || me.account.role !== 'user' })
  }
  return {
    transport: httpBridge ? 'http' : 'ipc',
    auth: httpBridge ? 'checking' : 'in',
    isAdmin: !httpBridge,
    loginError: null,
    async checkSession() {
      if (!httpBridge) return set({ auth: 'in' })
      const ok = await httpBridge.resume().catch(() => false)
      if (ok) await signedIn()
      else set({ auth: 'out' })
    },
    async login(c) {
      if (!httpBridge) return true
      try {
        await httpBridge.login(c)
        set({ loginError: null })
        await signedIn()
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
