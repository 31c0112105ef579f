import { useEffect, useState } from 'react'
import { Plus, ShieldOff, Trash2 } from 'lucide-react'
import type { BlacklistEntryDto, BlacklistType } from '@shared/channels/security'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Modal } from '../../components/ui/dialog'
import { Field } from '../../components/ui/field'
import { Input, Select } from '../../components/ui/input'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { Time } from '../../components/ui/time'
import { EmptyState } from '../../components/ui/empty'
import { Badge, StatusBadge } from '../../components/ui/badge'
import { SkeletonRows } from '../../components/ui/skeleton'

const TYPES: BlacklistType[] = ['ip', 'hwid', 'license', 'fingerprint']

function AddDialog({ open, onOpenChange }: { open: boolean; onOpenChange(o: boolean): void }) {
  const add = useApp((s) => s.addBlacklist)
  const [type, setType] = useState<BlacklistType>('ip')
  const [value, setValue] = useState('')
  const [reason, setReason] = useState('')
  const [severity, setSeverity] = useState<BlacklistEntryDto['severity']>('medium')
  const [expires, setExpires] = useState('')
  const submit = async () => {
    const ok = await add({
      type,
      value,
      reason: reason || undefined,
      severity,
      expires_at: expires ? new Date(expires).toISOString() : null,
    })
    if (ok) {
      setValue('')
      setReason('')
      setExpires('')
      onOpenChange(false)
    }
  }
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="Add to blacklist"
      description="Requests presenting this value are refused on every client API."
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="danger" disabled={!value.trim()} onClick={() => void submit()}>
            Add entry
          </Button>
        </>
      }
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Type">
          <Select value={type} onChange={(e) => setType(e.target.value as BlacklistType)}>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Severity">
          <Select
            value={severity}
            onChange={(e) => setSeverity(e.target.value as BlacklistEntryDto['severity'])}
          >
            {['low', 'medium', 'high', 'critical'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Value"
          className="flex flex-col gap-1.5 sm:col-span-2"
          hint={type === 'ip' ? 'An address or a CIDR range' : undefined}
        >
          <Input value={value} onChange={(e) => setValue(e.target.value)} maxLength={512} />
        </Field>
        <Field label="Reason" className="flex flex-col gap-1.5 sm:col-span-2">
          <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </Field>
        <Field label="Expires" hint="Leave empty to block until removed">
          <Input
            type="datetime-local"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
          />
        </Field>
      </div>
    </Modal>
  )
}

/** The blacklist with filters, add, deactivate and remove. */
export function BlacklistCard() {
  const page = useApp((s) => s.blacklist)
  const query = useApp((s) => s.blacklistQuery)
  const load = useApp((s) => s.loadBlacklist)
  const setQuery = useApp((s) => s.setBlacklistQuery)
  const remove = useApp((s) => s.removeBlacklist)
  const setActive = useApp((s) => s.setBlacklistActive)
  const confirm = useApp((s) => s.confirm)
  const [adding, setAdding] = useState(false)
  useEffect(() => void load(), [load])

  const columns: ColumnSpec<BlacklistEntryDto>[] = [
    { id: 'type', header: 'Type', width: '90px', cell: (e) => <Badge>{e.type}</Badge> },
    {
      id: 'value',
      header: 'Value',
      width: 'minmax(160px,2fr)',
      cell: (e) => <span className="font-mono text-[13px]">{e.value}</span>,
    },
    {
      id: 'severity',
      header: 'Severity',
      width: '96px',
      cell: (e) => <StatusBadge value={e.severity} />,
    },
    {
      id: 'reason',
      header: 'Reason',
      width: 'minmax(120px,2fr)',
      cell: (e) => e.reason || <span className="text-muted">—</span>,
    },
    {
      id: 'state',
      header: 'State',
      width: '130px',
      cell: (e) => (
        <span className="flex items-center gap-1">
          <Badge tone={e.is_active ? 'danger' : 'neutral'}>
            {e.is_active ? 'blocking' : 'inactive'}
          </Badge>
          {e.source === 'detection' && <Badge tone="warn">auto</Badge>}
        </span>
      ),
    },
    {
      id: 'expires',
      header: 'Expires',
      width: '110px',
      cell: (e) => <Time iso={e.expires_at} never="never" />,
    },
    {
      id: 'actions',
      header: 'Actions',
      width: '110px',
      cell: (e) => (
        <span className="flex gap-1">
          <Button
            size="icon"
            variant="ghost"
            aria-label={`${e.is_active ? 'Deactivate' : 'Activate'} ${e.type} ${e.value}`}
            title={e.is_active ? 'Deactivate' : 'Activate'}
            onClick={() => void setActive(e.id, !e.is_active)}
          >
            <ShieldOff aria-hidden="true" size={14} />
          </Button>
          <Button
            size="icon"
            variant="ghost"
            aria-label={`Remove ${e.type} ${e.value}`}
            title="Remove"
            onClick={async () => {
              const ok = await confirm({
                title: 'Remove this entry?',
                description: `${e.type} ${e.value} will be able to reach the client APIs again.`,
                confirmLabel: 'Remove',
                destructive: true,
              })
              if (ok) await remove(e.id)
            }}
          >
            <Trash2 aria-hidden="true" size={14} />
          </Button>
        </span>
      ),
    },
  ]

  return (
    <Card className="flex flex-col">
      <CardHeader
        title="Blacklist"
        description={page ? `${page.total} entr${page.total === 1 ? 'y' : 'ies'}` : undefined}
        actions={
          <>
            <Select
              aria-label="Filter blacklist by type"
              className="h-8 w-auto min-w-32"
              value={query.type ?? ''}
              onChange={(e) =>
                setQuery({ type: (e.target.value || undefined) as BlacklistType | undefined })
              }
            >
              <option value="">All types</option>
              {TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </Select>
            <Select
              aria-label="Filter blacklist by state"
              className="h-8 w-auto min-w-32"
              value={query.is_active === undefined ? '' : String(query.is_active)}
              onChange={(e) =>
                setQuery({
                  is_active: e.target.value === '' ? undefined : e.target.value === 'true',
                })
              }
            >
              <option value="">Any state</option>
              <option value="true">Blocking</option>
              <option value="false">Inactive</option>
            </Select>
            <Button size="sm" variant="primary" onClick={() => setAdding(true)}>
              <Plus aria-hidden="true" size={14} /> Add
            </Button>
          </>
        }
      />
      <div className="flex h-[320px] flex-col">
        {!page ? (
          <SkeletonRows rows={5} />
        ) : page.items.length === 0 ? (
          <EmptyState icon={ShieldOff} title="Nothing blacklisted">
            Add an IP, HWID, license key or fingerprint to refuse it everywhere.
          </EmptyState>
        ) : (
          <DataTable
            label="Blacklist"
            rows={page.items}
            columns={columns}
            rowId={(e) => e.id}
            rowLabel={(e) => `${e.type} ${e.value}`}
            total={page.total}
          />
        )}
      </div>
      <AddDialog open={adding} onOpenChange={setAdding} />
    </Card>
  )
}
