import type { EventDto, LicenseDto, Page } from '@shared/dto'
import type { CreateLicenseInput, ListLicensesInput, UpdateLicenseInput } from '@shared/schemas'
import type { BulkLicenseAction, MachineDto } from '@shared/channels/console-licenses'
import type { SessionDto } from '@shared/channels/security'
import { act, call, errorMessage, subscribe } from '../api'
import type { Slice } from '../types'

export type LicenseQuery = Omit<ListLicensesInput, 'page' | 'limit'>

export interface LicensesSlice {
  licenseQuery: LicenseQuery
  licensePageNo: number
  licensePageSize: number
  licensePage: Page<LicenseDto> | null
  licensesLoading: boolean
  licensesError: string | null
  /** How long the last list call took (ms), shown under the table. */
  licensesMs: number | null
  /** Selected rows by id; kept across pages so bulk actions can span them. */
  selectedLicenses: Record<string, LicenseDto>
  loadLicenses(): Promise<void>
  setLicenseQuery(patch: Partial<LicenseQuery>): void
  setLicensePage(page: number, size?: number): void
  toggleLicense(l: LicenseDto): void
  selectLicenses(ls: LicenseDto[], on: boolean): void
  clearLicenseSelection(): void
  createLicenses(input: CreateLicenseInput, count: number): Promise<LicenseDto[] | undefined>
  bulkLicenses(
    action: BulkLicenseAction,
    ids: string[],
    days?: number,
    reason?: string,
  ): Promise<boolean>

  openLicenseId: string | null
  openLicense: LicenseDto | null
  openLicenseEvents: EventDto[]
  openLicenseMachines: MachineDto[]
  openLicenseSessions: SessionDto[]
  showLicense(id: string | null): Promise<void>
  releaseMachine(licenseId: string, machineId: string): Promise<void>
  revokeSession(licenseId: string, sessionId: string): Promise<void>
  banLicense(id: string, reason?: string): Promise<boolean>
  updateLicense(
    id: string,
    patch: UpdateLicenseInput,
    success: string,
  ): Promise<LicenseDto | undefined>
  resetLicenseHwid(id: string): Promise<void>
  /** Culls the license's seats now (dead machines' seats freed). */
  cullLicenseSeats(id: string): Promise<void>
  /**
   * Keeps seats in use live: follows the pushed event stream (IPC or SSE, no polling) and
   * re-reads a license when one of its seat or activation events arrives, in the open drawer
   * and in the visible page. Returns the unsubscribe function.
   */
  watchSeats(): () => void
  deleteLicense(id: string): Promise<boolean>
  /** A quick lookup for the command palette (does not touch the table's state). */
  findLicenses(q: string): Promise<LicenseDto[]>
}

let listSeq = 0

/** Events after which a license's seats in use may have changed. */
const SEAT_EVENTS = new Set([
  'seat.taken',
  'seat.freed',
  'seat.resurrected',
  'seat.overage',
  'machine.culled',
  'machine.dead',
  'license_deactivation',
  'license.hwid_reset',
  'machine.released',
])

/** A burst of events re-reads each license once (culling frees hundreds of seats at a time). */
const SEAT_REFRESH_MS = 250

/** Licenses: server-side paging, filters, search and selection for a million-row table. */
export const createLicensesSlice: Slice<LicensesSlice> = (set, get) => {
  async function refreshOpen(id: string) {
    const [license, events, machines, sessions] = await Promise.all([
      call('licenses.get', { id }),
      call('licenses.events', { id, page: 1, limit: 50 }),
      call('licenses.machines', { id }),
      call('security.sessions', { license_id: id, is_active: true, limit: 50 }),
    ])
    if (get().openLicenseId === id) {
      set({
        openLicense: license,
        openLicenseEvents: events.items,
        openLicenseMachines: machines,
        openLicenseSessions: sessions.items,
      })
    }
  }

  return {
    licenseQuery: { sort: 'created_at', order: 'desc' },
    licensePageNo: 1,
    licensePageSize: 100,
    licensePage: null,
    licensesLoading: false,
    licensesError: null,
    licensesMs: null,
    selectedLicenses: {},

    async loadLicenses() {
      // Only the newest request may write: typing in search fires several in a row.
      const seq = ++listSeq
      set({ licensesLoading: true })
      const { licenseQuery, licensePageNo, licensePageSize } = get()
      const t0 = performance.now()
      try {
        const page = await call('licenses.list', {
          ...licenseQuery,
          page: licensePageNo,
          limit: licensePageSize,
        })
        if (seq === listSeq) {
          set({
            licensePage: page,
            licensesError: null,
            licensesMs: Math.round(performance.now() - t0),
          })
        }
      } catch (e) {
        if (seq === listSeq) set({ licensesError: errorMessage(e) })
      } finally {
        if (seq === listSeq) set({ licensesLoading: false })
      }
    },
    setLicenseQuery(patch) {
      // A new filter is a new set: "all N matching" named the old one.
      set({
        licenseQuery: { ...get().licenseQuery, ...patch },
        licensePageNo: 1,
        licenseAllMatching: false,
      })
      void get().loadLicenses()
    },
    setLicensePage(page, size) {
      set({ licensePageNo: page, licensePageSize: size ?? get().licensePageSize })
      void get().loadLicenses()
    },
    toggleLicense(l) {
      const sel = { ...get().selectedLicenses }
      if (sel[l.id]) delete sel[l.id]
      else sel[l.id] = l
      set({ selectedLicenses: sel })
    },
    selectLicenses(ls, on) {
      const sel = { ...get().selectedLicenses }
      for (const l of ls) {
        if (on) sel[l.id] = l
        else delete sel[l.id]
      }
      set({ selectedLicenses: sel })
    },
    clearLicenseSelection: () => set({ selectedLicenses: {} }),

    async createLicenses(input, count) {
      const created =
        count === 1
          ? await act(
              call('licenses.create', input).then((l) => [l]),
              'License created',
            )
          : await act(
              call('licenses.bulkCreate', { ...input, count }).then((r) => r.licenses),
              (ls) => `${ls.length} licenses created`,
            )
      if (created) void get().loadLicenses()
      return created
    },
    async bulkLicenses(action, ids, days, reason) {
      const r = await act(call('licenses.bulkUpdate', { ids, action, days, reason }), (x) =>
        x.failed.length
          ? `${x.updated} updated, ${x.failed.length} failed`
          : `${x.updated} licenses updated`,
      )
      if (!r) return false
      set({ selectedLicenses: {} })
      void get().loadLicenses()
      const open = get().openLicenseId
      if (open && ids.includes(open)) {
        if (action === 'delete') set({ openLicenseId: null, openLicense: null })
        else void refreshOpen(open)
      }
      return true
    },

    openLicenseId: null,
    openLicense: null,
    openLicenseEvents: [],
    openLicenseMachines: [],
    openLicenseSessions: [],
    async showLicense(id) {
      set({
        openLicenseId: id,
        openLicense: null,
        openLicenseEvents: [],
        openLicenseMachines: [],
        openLicenseSessions: [],
      })
      if (!id) return
      try {
        await refreshOpen(id)
      } catch (e) {
        set({ openLicenseId: null })
        await act(Promise.reject(e))
      }
    },
    async updateLicense(id, patch, success) {
      const l = await act(call('licenses.update', { id, patch }), success)
      if (l) {
        void refreshOpen(id)
        void get().loadLicenses()
      }
      return l
    },
    async cullLicenseSeats(id) {
      const r = await act(call('licenses.cullSeats', { id }), (x) =>
        x.freed || x.ended
          ? `${x.freed} seat(s) freed${x.ended ? `, ${x.ended} machine(s) past their window` : ''}`
          : 'No dead seats to cull',
      )
      if (r) {
        void refreshOpen(id)
        void get().loadLicenses()
      }
    },
    watchSeats() {
      const due = new Map<string, ReturnType<typeof setTimeout>>()
      const refresh = async (id: string) => {
        due.delete(id)
        if (get().openLicenseId === id) void refreshOpen(id).catch(() => {})
        const page = get().licensePage
        if (!page?.items.some((x) => x.id === id)) return
        try {
          const fresh = await call('licenses.get', { id })
          const now = get().licensePage
          if (now)
            set({
              licensePage: { ...now, items: now.items.map((x) => (x.id === id ? fresh : x)) },
            })
        } catch {
          /* deleted meanwhile: the next list load drops it */
        }
      }
      const off = subscribe('events.new', (e) => {
        if (!e.license_id || !SEAT_EVENTS.has(e.type) || due.has(e.license_id)) return
        const id = e.license_id
        due.set(
          id,
          setTimeout(() => void refresh(id), SEAT_REFRESH_MS),
        )
      })
      return () => {
        off()
        for (const t of due.values()) clearTimeout(t)
      }
    },
    async resetLicenseHwid(id) {
      const l = await act(
        call('licenses.resetHwid', { id }),
        'HWID reset: the next machine to activate binds the key',
      )
      if (l) {
        void refreshOpen(id)
        void get().loadLicenses()
      }
    },
    async deleteLicense(id) {
      const r = await act(call('licenses.delete', { id }), 'License deleted')
      if (!r) return false
      set({ openLicenseId: null, openLicense: null })
      void get().loadLicenses()
      return true
    },
    async releaseMachine(licenseId, machineId) {
      const r = await act(
        call('licenses.releaseMachine', { id: licenseId, machine_id: machineId }),
        'Machine released: its slot is free',
      )
      if (r) {
        void refreshOpen(licenseId)
        void get().loadLicenses()
      }
    },
    async revokeSession(licenseId, sessionId) {
      const r = await act(
        call('security.revokeSession', { id: sessionId, reason: 'Revoked from the console' }),
        'Session revoked',
      )
      if (r) void refreshOpen(licenseId)
    },
    async banLicense(id, reason) {
      const r = await act(
        call('licenses.ban', { id, reason }),
        (x) =>
          `License banned${x.sessions_revoked ? `, ${x.sessions_revoked} session(s) ended` : ''}`,
      )
      if (!r) return false
      void refreshOpen(id)
      void get().loadLicenses()
      return true
    },
    async findLicenses(q) {
      try {
        return (await call('licenses.list', { q, limit: 8 })).items
      } catch {
        return []
      }
    },
  }
}
