import { useEffect, useState } from 'react'
import { ChevronLeft, ChevronRight, ListFilter } from 'lucide-react'
import type { EventDto } from '@shared/dto'
import { SECURITY_EVENT_TYPES } from '@shared/channels/security'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Input, Select } from '../../components/ui/input'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { Time } from '../../components/ui/time'
import { EmptyState } from '../../components/ui/empty'
import { Badge, StatusBadge } from '../../components/ui/badge'
import { SkeletonRows } from '../../components/ui/skeleton'
import { Drawer } from '../../components/ui/dialog'
import { fmtDateTime, fmtNum } from '../../lib/format'

const columns: ColumnSpec<EventDto>[] = [
  { id: 'time', header: 'Time', width: '112px', cell: (e) => <Time iso={e.created_at} /> },
  {
    id: 'type',
    header: 'Type',
    width: 'minmax(140px,1.3fr)',
    cell: (e) => e.type.replace(/_/g, ' '),
  },
  {
    id: 'severity',
    header: 'Severity',
    width: '96px',
    cell: (e) => <StatusBadge value={e.severity} />,
  },
  {
    id: 'blocked',
    header: 'Blocked',
    width: '90px',
    cell: (e) => (e.blocked ? <Badge tone="danger">blocked</Badge> : ''),
  },
  {
    id: 'ip',
    header: 'IP',
    width: '130px',
    cell: (e) => <span className="font-mono text-[12px]">{e.ip ?? '—'}</span>,
  },
  {
    id: 'hwid',
    header: 'HWID',
    width: 'minmax(120px,1fr)',
    optional: true,
    cell: (e) => <span className="font-mono text-[12px]">{e.hwid ?? '—'}</span>,
  },
  {
    id: 'details',
    header: 'Details',
    width: 'minmax(160px,2fr)',
    cell: (e) => (
      <span className="font-mono text-[12px] text-muted">{JSON.stringify(e.details)}</span>
    ),
  },
]

/** A text filter that applies on Enter or blur, not on every keystroke. */
function TextFilter(props: {
  label: string
  value?: string
  onApply(v: string | undefined): void
}) {
  const [v, setV] = useState(props.value ?? '')
  const apply = () => props.onApply(v.trim() || undefined)
  return (
    <Input
      aria-label={props.label}
      placeholder={props.label}
      className="h-8 w-36"
      value={v}
      onChange={(e) => setV(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => e.key === 'Enter' && apply()}
    />
  )
}

/** Everything one event recorded, in a drawer opened from its row. */
function EventDrawer({ event, onClose }: { event: EventDto | null; onClose(): void }) {
  const fields: [string, string][] = event
    ? [
        ['Time', fmtDateTime(event.created_at)],
        ['Severity', event.severity],
        ['Blocked', event.blocked ? 'yes, the request was refused' : 'no'],
        ['IP', event.ip ?? '—'],
        ['HWID', event.hwid ?? '—'],
        ['License', event.license_id ?? '—'],
        ['Product', event.product_id ?? '—'],
        ['Machine', event.machine_id ?? '—'],
        ['User agent', event.user_agent ?? '—'],
      ]
    : []
  return (
    <Drawer
      open={event !== null}
      onOpenChange={(o) => !o && onClose()}
      title={event ? event.type.replace(/_/g, ' ') : ''}
      description={event ? `Event #${event.id}` : undefined}
    >
      {event && (
        <div className="flex flex-col gap-4 px-5 py-4 text-sm">
          <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2">
            {fields.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd className="font-mono text-[12px] break-all">{v}</dd>
              </div>
            ))}
          </dl>
          <div>
            <h3 className="mb-1 text-xs font-medium text-muted">Details</h3>
            <pre className="overflow-x-auto rounded-md bg-surface-2 p-3 font-mono text-[12px]">
              {JSON.stringify(event.details, null, 2)}
            </pre>
          </div>
        </div>
      )}
    </Drawer>
  )
}

/** The security event log with the reference's filters. */
export function EventsCard() {
  const page = useApp((s) => s.securityEvents)
  const q = useApp((s) => s.securityEventQuery)
  const load = useApp((s) => s.loadSecurityEvents)
  const setQ = useApp((s) => s.setSecurityEventQuery)
  const [open, setOpen] = useState<EventDto | null>(null)
  useEffect(() => void load(), [load])
  const pages = page ? Math.max(1, Math.ceil(page.total / page.limit)) : 1
  const current = Number(q.page ?? 1)

  return (
    <Card className="flex flex-col">
      <CardHeader
        title="Security events"
        description={page ? `${fmtNum(page.total)} matching` : undefined}
      />
      <div
        role="group"
        aria-label="Event filters"
        className="flex flex-wrap items-center gap-2 border-b border-line px-4 py-2"
      >
        <ListFilter aria-hidden="true" size={14} className="text-muted" />
        <Select
          aria-label="Event type"
          className="h-8 w-auto min-w-48"
          value={q.event_type ?? ''}
          onChange={(e) => setQ({ event_type: e.target.value || undefined })}
        >
          <option value="">All security types</option>
          {SECURITY_EVENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t.replace(/_/g, ' ')}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Severity"
          className="h-8 w-auto min-w-32"
          value={q.severity ?? ''}
          onChange={(e) => setQ({ severity: (e.target.value || undefined) as typeof q.severity })}
        >
          <option value="">Any severity</option>
          {['info', 'low', 'medium', 'high', 'critical'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Blocked"
          className="h-8 w-auto min-w-32"
          value={q.is_blocked === undefined ? '' : String(q.is_blocked)}
          onChange={(e) =>
            setQ({ is_blocked: e.target.value === '' ? undefined : e.target.value === 'true' })
          }
        >
          <option value="">Blocked or not</option>
          <option value="true">Blocked only</option>
          <option value="false">Not blocked</option>
        </Select>
        <TextFilter
          label="IP address"
          value={q.ip_address}
          onApply={(ip_address) => setQ({ ip_address })}
        />
        <TextFilter label="HWID" value={q.hwid} onApply={(hwid) => setQ({ hwid })} />
        <TextFilter
          label="License id"
          value={q.license_id}
          onApply={(license_id) => setQ({ license_id })}
        />
      </div>
      <div className="flex h-[420px] flex-col">
        {!page ? (
          <SkeletonRows rows={8} />
        ) : page.items.length === 0 ? (
          <EmptyState icon={ListFilter} title="No events match">
            Security events are recorded as client requests arrive; widen the filters to see more.
          </EmptyState>
        ) : (
          <DataTable
            label="Security events"
            rows={page.items}
            columns={columns}
            rowId={(e: EventDto) => String(e.id)}
            total={page.total}
            offset={(current - 1) * page.limit}
            onOpen={(e: EventDto) => setOpen(e)}
            rowLabel={(e: EventDto) =>
              `${e.type.replace(/_/g, ' ')} at ${fmtDateTime(e.created_at)}`
            }
          />
        )}
      </div>
      {page && page.total > 0 && (
        <div className="flex items-center justify-end gap-2 border-t border-line px-4 py-2 text-[13px] text-muted">
          <Button
            size="icon"
            variant="ghost"
            aria-label="Previous page"
            disabled={current <= 1}
            onClick={() => {
              useApp.setState({ securityEventQuery: { ...q, page: current - 1 } })
              void load()
            }}
          >
            <ChevronLeft aria-hidden="true" size={16} />
          </Button>
          <span className="tabular-nums">
            Page {fmtNum(current)} of {fmtNum(pages)}
          </span>
          <Button
            size="icon"
            variant="ghost"
            aria-label="Next page"
            disabled={current >= pages}
            onClick={() => {
              useApp.setState({ securityEventQuery: { ...q, page: current + 1 } })
              void load()
            }}
          >
            <ChevronRight aria-hidden="true" size={16} />
          </Button>
        </div>
      )}
      <EventDrawer event={open} onClose={() => setOpen(null)} />
    </Card>
  )
}
