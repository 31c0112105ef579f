import type { LicenseDto, Page } from '@shared/dto'
import type { BulkLicenseAction, MachineViewDto } from '@shared/channels/console-licenses'
import type { CustomerDetailDto } from '@shared/channels/store'
import type { LicenseFilter } from '@shared/schemas'
import { httpBridge } from '../../bridge'
import { toast } from 'sonner'
import { act, call, errorMessage } from '../api'
import type { Slice } from '../types'

/** A customer's page: who they are, their keys, their machines. */
export interface CustomerPageData {
  customer: CustomerDetailDto
  licenses: LicenseDto[]
  machines: MachineViewDto[]
}

export interface LicenseViewsSlice {
  /** "All N matching" is on: bulk actions apply to the filter, not to the selected rows. */
  licenseAllMatching: boolean
  setLicenseAllMatching(on: boolean): void
  /** A bulk action on every license matching the current filter (confirmed count `n`). */
  bulkLicensesMatching(
    action: BulkLicenseAction,
    n: number,
    opts?: { days?: number; reason?: string },
  ): Promise<boolean>
  /** Downloads the whole filtered set (streamed by the server in the web console). */
  exportLicenses(format: 'csv' | 'json'): Promise<void>

  machinesQuery: string
  machinesPageNo: number
  machinesPage: Page<MachineViewDto> | null
  machinesError: string | null
  loadMachines(patch?: { q?: string; page?: number }): Promise<void>

  customerPage: CustomerPageData | null
  customerPageError: string | null
  loadCustomerPage(id: string): Promise<void>
  saveCustomerNotes(id: string, notes: string): Promise<boolean>
}

/** The current list filter, without sort and paging: what "all matching" and exports mean. */
export function filterOf(q: Record<string, unknown>): LicenseFilter {
  const keys = ['product_id', 'customer_id', 'status', 'type', 'q', 'expires_from', 'expires_to']
  return Object.fromEntries(
    keys.filter((k) => q[k] !== undefined && q[k] !== '').map((k) => [k, q[k]]),
  ) as LicenseFilter
}

let machinesSeq = 0

export const createLicenseViewsSlice: Slice<LicenseViewsSlice> = (set, get) => ({
  licenseAllMatching: false,
  setLicenseAllMatching: (on) => set({ licenseAllMatching: on }),
  async bulkLicensesMatching(action, n, opts = {}) {
    const r = await act(
      call('licenses.bulkUpdateMatching', {
        filter: filterOf(get().licenseQuery),
        expected: n,
        action,
        ...opts,
      }),
      (x) =>
        x.failed.length
          ? `${x.updated} of ${x.matched} updated, ${x.matched - x.updated} failed`
          : `${x.updated} licenses updated`,
    )
    if (!r) return false
    set({ selectedLicenses: {}, licenseAllMatching: false })
    void get().loadLicenses()
    return true
  },
  async exportLicenses(format) {
    const filter = filterOf(get().licenseQuery)
    if (httpBridge) {
      // The browser streams the file to disk; nothing of it passes through this page's memory.
      const qs = new URLSearchParams(filter as Record<string, string>).toString()
      const a = document.createElement('a')
      a.href = `/console/export/licenses.${format}${qs ? `?${qs}` : ''}`
      a.download = ''
      a.click()
      return
    }
    // Desktop: the main process asks where to save and streams the same rows into that file.
    const r = await act(call('licenses.exportToFile', { filter, format }))
    if (r) toast.success(`Licenses exported to ${r.path}`)
  },

  machinesQuery: '',
  machinesPageNo: 1,
  machinesPage: null,
  machinesError: null,
  async loadMachines(patch = {}) {
    const seq = ++machinesSeq
    const q = patch.q ?? get().machinesQuery
    const page = patch.page ?? (patch.q !== undefined ? 1 : get().machinesPageNo)
    set({ machinesQuery: q, machinesPageNo: page })
    try {
      const r = await call('machines.list', { q: q || undefined, page, limit: 50 })
      if (seq === machinesSeq) set({ machinesPage: r, machinesError: null })
    } catch (e) {
      if (seq === machinesSeq) set({ machinesError: errorMessage(e) })
    }
  },

  customerPage: null,
  customerPageError: null,
  async loadCustomerPage(id) {
    set({ customerPage: null, customerPageError: null })
    try {
      const [customer, licenses, machines] = await Promise.all([
        call('store.customers.get', { id }),
        call('licenses.list', { customer_id: id, limit: 500 }),
        call('machines.list', { customer_id: id, limit: 500 }),
      ])
      set({ customerPage: { customer, licenses: licenses.items, machines: machines.items } })
    } catch (e) {
      set({ customerPageError: errorMessage(e) })
    }
  },
  async saveCustomerNotes(id, notes) {
    const r = await act(call('store.customers.setNotes', { id, notes }), 'Notes saved')
    const page = get().customerPage
    if (r && page?.customer.id === id)
      set({ customerPage: { ...page, customer: { ...page.customer, notes: r.notes } } })
    return r !== undefined
  },
})
