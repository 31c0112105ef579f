import { useState } from 'react'
import { CalendarPlus, Download, Pause, Play, Trash2, X } from 'lucide-react'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { ExtendDialog } from './extend-dialog'
import { download } from '../../lib/format'
import { toCsv } from '@shared/csv'

/** Actions on the selected licenses (across pages). Shown only while something is selected. */
export function BulkBar() {
  const selected = useApp((s) => s.selectedLicenses)
  const clear = useApp((s) => s.clearLicenseSelection)
  const bulk = useApp((s) => s.bulkLicenses)
  const confirm = useApp((s) => s.confirm)
  const [extendOpen, setExtendOpen] = useState(false)
  const ids = Object.keys(selected)
  if (ids.length === 0) return null
  const n = ids.length
  const noun = `${n} license${n === 1 ? '' : 's'}`

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
      <span className="mr-2 font-medium text-accent">{noun} selected</span>
      <Button
        size="sm"
        onClick={async () => {
          if (
            await confirm({
              title: `Suspend ${noun}?`,
              description:
                'Apps using these keys are refused until you resume them. Open sessions end (apps sign in again after a resume); machines stay bound.',
              confirmLabel: 'Suspend',
              destructive: true,
            })
          )
            await bulk('suspend', ids)
        }}
      >
        <Pause aria-hidden="true" size={14} /> Suspend
      </Button>
      <Button size="sm" onClick={() => void bulk('resume', ids)}>
        <Play aria-hidden="true" size={14} /> Resume
      </Button>
      <Button size="sm" onClick={() => setExtendOpen(true)}>
        <CalendarPlus aria-hidden="true" size={14} /> Extend
      </Button>
      <Button size="sm" onClick={exportCsv}>
        <Download aria-hidden="true" size={14} /> Export CSV
      </Button>
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
            await bulk('delete', ids)
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
        onExtend={(days) => bulk('extend', ids, days)}
      />
    </div>
  )
}
