import { useRef, useState } from 'react'
import { Download, FileUp } from 'lucide-react'
import type { ImportReport, TransferFormat, TransferKind } from '@shared/channels/settings-console'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Select } from '../../components/ui/input'
import { Badge } from '../../components/ui/badge'
import { download } from '../../lib/format'

/** Export and import of products and licenses: CSV or JSON, dry run first, per-row errors. */
export function TransferSection() {
  const exportData = useApp((s) => s.exportData)
  const importData = useApp((s) => s.importData)
  const [kind, setKind] = useState<TransferKind>('licenses')
  const [format, setFormat] = useState<TransferFormat>('csv')
  const [pending, setPending] = useState<{ name: string; content: string } | null>(null)
  const [report, setReport] = useState<ImportReport | null>(null)
  const fileRef = useRef<HTMLInputElement>(null)

  return (
    <Card>
      <CardHeader
        title="Import and export"
        description="Move products and licenses in or out as CSV or JSON."
      />
      <div className="flex flex-col gap-3 px-4 py-4">
        <div className="flex flex-wrap items-end gap-2">
          <Select
            aria-label="What to move"
            className="w-auto min-w-36"
            value={kind}
            onChange={(e) => setKind(e.target.value as TransferKind)}
          >
            <option value="licenses">Licenses</option>
            <option value="products">Products</option>
          </Select>
          <Select
            aria-label="File format"
            className="w-auto min-w-28"
            value={format}
            onChange={(e) => setFormat(e.target.value as TransferFormat)}
          >
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </Select>
          <Button
            size="sm"
            onClick={async () => {
              const r = await exportData(kind, format)
              if (r)
                download(r.filename, r.content, format === 'csv' ? 'text/csv' : 'application/json')
            }}
          >
            <Download aria-hidden="true" size={14} /> Export
          </Button>
          <input
            ref={fileRef}
            type="file"
            accept=".csv,.json"
            aria-label="File to import"
            className="sr-only"
            onChange={async (e) => {
              const file = e.target.files?.[0]
              e.target.value = ''
              if (!file) return
              const content = await file.text()
              const fmt: TransferFormat = file.name.toLowerCase().endsWith('.json') ? 'json' : 'csv'
              setFormat(fmt)
              setPending({ name: file.name, content })
              setReport((await importData(kind, fmt, content, true)) ?? null)
            }}
          />
          <Button size="sm" onClick={() => fileRef.current?.click()}>
            <FileUp aria-hidden="true" size={14} /> Import…
          </Button>
        </div>
        {report && pending && (
          <div role="region" aria-label="Import preview" className="rounded-md border border-line">
            <div className="flex items-center justify-between gap-2 border-b border-line px-3 py-2 text-sm">
              <span>
                {report.dry_run ? 'Dry run of' : 'Imported'}{' '}
                <span className="font-medium">{pending.name}</span>: {report.total - report.errors}{' '}
                ok, {report.errors} with errors
              </span>
              {report.dry_run && (
                <Button
                  size="sm"
                  variant="primary"
                  disabled={report.total === report.errors}
                  onClick={async () =>
                    setReport((await importData(kind, format, pending.content, false)) ?? report)
                  }
                >
                  Import {report.total - report.errors} rows
                </Button>
              )}
            </div>
            <ul className="max-h-48 overflow-y-auto text-[13px]">
              {report.rows.map((r) => (
                <li
                  key={r.row}
                  className="flex items-center gap-2 border-b border-line px-3 py-1 last:border-0"
                >
                  <span className="w-12 text-muted">row {r.row}</span>
                  <Badge tone={r.ok ? 'ok' : 'danger'}>{r.ok ? 'ok' : 'error'}</Badge>
                  <span className="truncate">{r.error ?? r.label}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </Card>
  )
}
