import { useState } from 'react'
import { CalendarPlus, Download, Pause, Play, Trash2, X } from 'lucide-react'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { ExtendDialog } from './extend-dialog'
import { download, fmtNum } from '../../lib/format'
import type { BulkLicenseAction } from '@shared/channels/console-licenses'
import { ReasonDialog } from './reason-dialog'
import { toCsv } from '@shared/csv'

/**
 * Actions on the selected licenses (across pages), or with "select all N matching" on every
 * license the filter matches (applied server-side). Shown only while something is selected.
 */
export function BulkBar() {
  const selected = useApp((s) => s.selectedLicenses)
  const clearSelection = useApp((s) => s.clearLicenseSelection)
  const bulkIds = useApp((s) => s.bulkLicenses)
  const bulkMatching = useApp((s) => s.bulkLicensesMatching)
  const allMatching = useApp((s) => s.licenseAllMatching)
  const setAllMatching = useApp((s) => s.setLicenseAllMatching)
  const page = useApp((s) => s.licensePage)
  const confirm = useApp((s) => s.confirm)
  const [extendOpen, setExtendOpen] = useState(false)
  const [suspending, setSuspending] = useState(false)
  const ids = Object.keys(selected)
  if (ids.length === 0) return null
  const total = page?.total ?? 0
  const n = allMatching ? total : ids.length
  const noun = `${allMatching ? 'all ' : ''}${fmtNum(n)} license${n === 1 ? '' : 's'}`
  const pageAllSelected = !!page && page.items.every((l) => selected[l.id])
  const bulk = (action: BulkLicenseAction, days?: number, reason?: string) =>
    allMatching ? bulkMatching(action, n, { days, reason }) : bulkIds(action, ids, days)
  const clear = () => {
    setAllMatching(false)
    clearSelection()
  }

  const exportCsv = () => {
    const rows = Object.values(selected).map((l) => ({
      license_key: l.license_key,
      product: l.product_name ?? l.product_id,
      status: l.status,
      type: l.type,
      expires_at: l.expires_at ?? '',
      max_uses: l.max_uses,
      current_uses: l.current_uses,
      customer_email: l.customer_email ?? '',
      created_at: l.created_at,
    }))
    download(
      `licenses-${new Date().toISOString().slice(0, 10)}.csv`,
      toCsv(rows, Object.keys(rows[0])),
      'text/csv',
    )
  }

  return (
    <div
      role="region"
      aria-label="Bulk actions"
      className="mt-3 flex flex-wrap items-center gap-2 rounded-lg border border-accent/40 bg-accent-soft px-3 py-2 text-sm"
    >
      <span className="mr-2 font-medium text-accent">
        {allMatching ? `All ${fmtNum(n)} matching licenses selected` : `${noun} selected`}
      </span>
      {!allMatching && pageAllSelected && total > ids.length && (
        <Button size="sm" variant="ghost" onClick={() => setAllMatching(true)}>
          Select all {fmtNum(total)} matching
        </Button>
      )}
      <Button size="sm" onClick={() => setSuspending(true)}>
        <Pause aria-hidden="true" size={14} /> Suspend
      </Button>
      <Button size="sm" onClick={() => void bulk('resume')}>
        <Play aria-hidden="true" size={14} /> Resume
      </Button>
      <Button size="sm" onClick={() => setExtendOpen(true)}>
        <CalendarPlus aria-hidden="true" size={14} /> Extend
      </Button>
      {!allMatching && (
        <Button size="sm" onClick={exportCsv}>
          <Download aria-hidden="true" size={14} /> Export selected
        </Button>
      )}
      <Button
        size="sm"
        variant="danger"
        onClick={async () => {
          if (
            await confirm({
              title: `Delete ${noun}?`,
              description:
                'The keys, their machines and sessions are deleted. Apps using them stop working. This cannot be undone.',
              confirmLabel: `Delete ${noun}`,
              destructive: true,
            })
          )
            await bulk('delete')
        }}
      >
        <Trash2 aria-hidden="true" size={14} /> Delete
      </Button>
      <Button size="sm" variant="ghost" className="ml-auto" onClick={clear}>
        <X aria-hidden="true" size={14} /> Clear selection
      </Button>
      <ExtendDialog
        open={extendOpen}
        onOpenChange={setExtendOpen}
        title={`Extend ${noun}`}
        description="Adds days to each key's expiry (from today for keys already expired). Keys without expiry are unchanged."
        onExtend={(days) => bulk('extend', days)}
      />
      <ReasonDialog
        open={suspending}
        onOpenChange={setSuspending}
        title={`Suspend ${noun}?`}
        description="Apps using these keys are refused until you resume them. Open sessions end (apps sign in again after a resume); machines stay bound."
        confirmLabel={`Suspend ${noun}`}
        placeholder="e.g. Reseller stopped paying"
        onConfirm={(reason) => bulk('suspend', undefined, reason)}
      />
    </div>
  )
}
