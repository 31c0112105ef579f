import type { EventDto, Page } from '@shared/dto'
import type {
  AddBlacklistInput,
  BlacklistEntryDto,
  IncidentDto,
  ListBlacklistInput,
  ListSecurityEventsInput,
  ListSessionsInput,
  SecuritySettings,
  SecurityStatsDto,
  SessionDto,
} from '@shared/channels/security'
import { act, call, errorMessage, subscribe } from '../api'
import type { Slice } from '../types'

export interface SecuritySlice {
  securityStats: SecurityStatsDto | null
  securityError: string | null
  securityEvents: Page<EventDto> | null
  /** Security events grouped by rule and source (admins). */
  incidents: IncidentDto[] | null
  loadIncidents(): Promise<void>
  /** Lifts the block an incident holds (removes its blacklist entry; the removal is logged). */
  unblockIncident(i: IncidentDto): Promise<void>
  /** Allow-lists an incident's IP or HWID for detections and lifts its automatic block. */
  allowIncident(i: IncidentDto): Promise<void>
  securityEventQuery: ListSecurityEventsInput
  blacklist: Page<BlacklistEntryDto> | null
  blacklistQuery: ListBlacklistInput
  sessionsPage: Page<SessionDto> | null
  sessionsQuery: ListSessionsInput
  sessionsError: string | null
  loadSecurityStats(): Promise<void>
  loadSecurityEvents(): Promise<void>
  setSecurityEventQuery(patch: Partial<ListSecurityEventsInput>): void
  loadBlacklist(): Promise<void>
  setBlacklistQuery(patch: Partial<ListBlacklistInput>): void
  addBlacklist(input: AddBlacklistInput): Promise<boolean>
  removeBlacklist(id: string): Promise<void>
  setBlacklistActive(id: string, active: boolean): Promise<void>
  blockIp(ip: string, reason: string, hours: number): Promise<boolean>
  blockHwid(hwid: string, reason: string, hours: number): Promise<boolean>
  loadSessions(): Promise<void>
  setSessionsQuery(patch: Partial<ListSessionsInput>): void
  revokeSession(id: string, reason: string): Promise<void>
  suspendLicense(licenseId: string, reason: string): Promise<void>
  securitySettings: SecuritySettings | null
  loadSecuritySettings(): Promise<void>
  saveSecuritySettings(v: SecuritySettings): Promise<void>
  /** Reloads what the security screens show when events arrive (coalesced); returns unsubscribe. */
  watchSecurity(): () => void
}

let pending: ReturnType<typeof setTimeout> | null = null

/** The security center and sessions: overview, event log, blacklist, quick blocks, sessions. */
export const createSecuritySlice: Slice<SecuritySlice> = (set, get) => {
  /** After a change: the lists and the overview both move. */
  const refresh = () => {
    void get().loadBlacklist()
    void get().loadSecurityStats()
    void get().loadIncidents()
  }
  return {
    securityStats: null,
    securityError: null,
    securityEvents: null,
    incidents: null,
    securityEventQuery: { page: 1, limit: 50 },
    blacklist: null,
    blacklistQuery: { page: 1, limit: 50 },
    sessionsPage: null,
    sessionsQuery: { page: 1, limit: 100, is_active: true },
    sessionsError: null,
    securitySettings: null,

    async loadSecurityStats() {
      try {
        set({ securityStats: await call('security.stats', {}), securityError: null })
      } catch (e) {
        set({ securityError: errorMessage(e) })
      }
    },
    async loadSecurityEvents() {
      try {
        set({
          securityEvents: await call('security.events', get().securityEventQuery),
          securityError: null,
        })
      } catch (e) {
        set({ securityError: errorMessage(e) })
      }
    },
    setSecurityEventQuery(patch) {
      set({ securityEventQuery: { ...get().securityEventQuery, page: 1, ...patch } })
      void get().loadSecurityEvents()
    },
    async loadIncidents() {
      if (!get().isAdmin) return
      try {
        set({ incidents: await call('security.incidents', {}) })
      } catch (e) {
        set({ securityError: errorMessage(e) })
      }
    },
    async unblockIncident(i) {
      if (!i.block) return
      const what = i.source ?? 'the source'
      if (
        await act(call('security.blacklistRemove', { id: i.block.entry_id }), `${what} unblocked`)
      )
        refresh()
    },
    async allowIncident(i) {
      if (!i.source || (i.source_type !== 'ip' && i.source_type !== 'hwid')) return
      const r = await act(
        call('security.allowSource', { type: i.source_type, value: i.source }),
        `${i.source} allow-listed`,
      )
      if (r) refresh()
    },
    async loadBlacklist() {
      try {
        set({ blacklist: await call('security.blacklist', get().blacklistQuery) })
      } catch (e) {
        set({ securityError: errorMessage(e) })
      }
    },
    setBlacklistQuery(patch) {
      set({ blacklistQuery: { ...get().blacklistQuery, page: 1, ...patch } })
      void get().loadBlacklist()
    },
    async addBlacklist(input) {
      const r = await act(
        call('security.blacklistAdd', input),
        (e) => `${e.type.toUpperCase()} ${e.value} blacklisted`,
      )
      if (r) refresh()
      return r !== undefined
    },
    async removeBlacklist(id) {
      if (await act(call('security.blacklistRemove', { id }), 'Entry removed')) refresh()
    },
    async setBlacklistActive(id, active) {
      const r = await act(
        call('security.blacklistSetActive', { id, is_active: active }),
        active ? 'Entry activated' : 'Entry deactivated',
      )
      if (r) refresh()
    },
    async blockIp(ip, reason, hours) {
      const r = await act(
        call('security.blockIp', { ip, reason, duration_hours: hours }),
        `${ip} blocked for ${hours} h`,
      )
      if (r) refresh()
      return r !== undefined
    },
    async blockHwid(hwid, reason, hours) {
      const r = await act(
        call('security.blockHwid', { hwid, reason, duration_hours: hours }),
        `HWID blocked for ${hours} h`,
      )
      if (r) refresh()
      return r !== undefined
    },
    async loadSessions() {
      try {
        set({
          sessionsPage: await call('security.sessions', get().sessionsQuery),
          sessionsError: null,
        })
      } catch (e) {
        set({ sessionsError: errorMessage(e) })
      }
    },
    setSessionsQuery(patch) {
      set({ sessionsQuery: { ...get().sessionsQuery, page: 1, ...patch } })
      void get().loadSessions()
    },
    async revokeSession(id, reason) {
      if (
        await act(
          call('security.revokeSession', { id, reason: reason || undefined }),
          'Session revoked',
        )
      ) {
        void get().loadSessions()
      }
    },
    async suspendLicense(licenseId, reason) {
      const r = await act(
        call('security.suspendLicense', { id: licenseId, reason }),
        (x) => `License suspended; ${x.sessions_revoked} session(s) revoked`,
      )
      if (r) void get().loadSessions()
    },
    async loadSecuritySettings() {
      const v = await act(call('security.settings', {}))
      if (v) set({ securitySettings: v })
    },
    async saveSecuritySettings(v) {
      const r = await act(call('security.updateSettings', v), 'Detection settings saved')
      if (r) set({ securitySettings: r })
    },
    watchSecurity() {
      const off = subscribe('events.new', () => {
        if (pending) return
        pending = setTimeout(() => {
          pending = null
          const screen = get().route.screen
          if (screen === 'sessions') void get().loadSessions()
          if (screen === 'security') {
            void get().loadSecurityStats()
            void get().loadSecurityEvents()
            void get().loadIncidents()
          }
        }, 1000)
      })
      return () => {
        off()
        if (pending) clearTimeout(pending)
        pending = null
      }
    },
  }
}
