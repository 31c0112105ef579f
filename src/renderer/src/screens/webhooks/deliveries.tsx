import { RotateCw } from 'lucide-react'
import type { DeliveryDto } from '@shared/channels/webhooks'
import { useApp } from '../../store'
import { Modal } from '../../components/ui/dialog'
import { Button } from '../../components/ui/button'
import { Badge } from '../../components/ui/badge'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { Time } from '../../components/ui/time'
import { fmtDateTime } from '../../lib/format'

const TONE = { delivered: 'ok', pending: 'warn', failed: 'danger' } as const

/** The delivery log of one webhook: outcome, status code, latency, error; redeliver. */
export function DeliveryLog({ webhookId, onClose }: { webhookId: string | null; onClose(): void }) {
  const log = useApp((s) => s.deliveries)
  const redeliver = useApp((s) => s.redeliver)
  const page = log && log.webhookId === webhookId ? log.page : null
  const columns: ColumnSpec<DeliveryDto>[] = [
    { id: 'time', header: 'Created', width: '110px', cell: (d) => <Time iso={d.created_at} /> },
    {
      id: 'event',
      header: 'Event',
      width: 'minmax(130px,1fr)',
      cell: (d) => <span className="font-mono text-[12px]">{d.event_type}</span>,
    },
    {
      id: 'status',
      header: 'Status',
      width: '100px',
      cell: (d) => <Badge tone={TONE[d.status]}>{d.status}</Badge>,
    },
    {
      id: 'code',
      header: 'HTTP',
      width: '64px',
      optional: true,
      cell: (d) => d.last_status_code ?? '—',
    },
    {
      id: 'ms',
      header: 'Time',
      width: '76px',
      optional: true,
      cell: (d) => (d.last_response_ms === null ? '—' : `${d.last_response_ms} ms`),
    },
    { id: 'attempts', header: 'Tries', width: '56px', optional: true, cell: (d) => d.attempts },
    {
      id: 'error',
      header: 'Error / next try',
      width: 'minmax(160px,2fr)',
      cell: (d) => (
        <span className="text-[12px] text-muted" title={d.last_error ?? undefined}>
          {d.last_error ?? ''}
          {d.status === 'pending' && d.next_attempt_at
            ? ` · next ${fmtDateTime(d.next_attempt_at)}`
            : ''}
        </span>
      ),
    },
    {
      id: 'actions',
      header: 'Actions',
      width: '110px',
      cell: (d) => (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void redeliver(d.id)}
          aria-label={`Redeliver ${d.event_type} from ${fmtDateTime(d.created_at)}`}
        >
          <RotateCw aria-hidden="true" size={14} /> Redeliver
        </Button>
      ),
    },
  ]
  return (
    <Modal
      open={webhookId !== null}
      onOpenChange={(o) => !o && onClose()}
      title="Delivery log"
      width="max-w-5xl"
      description="Every attempt's outcome. Failed deliveries are retried with backoff for 25 hours."
    >
      <div className="flex h-[420px] flex-col">
        {!page ? (
          <p className="text-sm text-muted">Loading…</p>
        ) : page.items.length === 0 ? (
          <p className="text-sm text-muted">
            No deliveries yet. Send a test, or wait for a subscribed event.
          </p>
        ) : (
          <DataTable
            label="Deliveries"
            rows={page.items}
            columns={columns}
            rowId={(d) => d.id}
            total={page.total}
          />
        )}
      </div>
    </Modal>
  )
}
