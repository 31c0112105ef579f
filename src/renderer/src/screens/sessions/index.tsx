import { useEffect, useState } from 'react'
import { MonitorSmartphone, RefreshCw, XCircle } from 'lucide-react'
import type { SessionDto } from '@shared/channels/security'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Card } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Modal } from '../../components/ui/dialog'
import { Field } from '../../components/ui/field'
import { Input, Select } from '../../components/ui/input'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { Time } from '../../components/ui/time'
import { EmptyState } from '../../components/ui/empty'
import { Badge } from '../../components/ui/badge'
import { SkeletonRows } from '../../components/ui/skeleton'
import { fmtNum } from '../../lib/format'

type Pending = { kind: 'revoke'; session: SessionDto } | { kind: 'suspend'; session: SessionDto }

/** Asks for the reason of a revoke or a suspension (LicenseCM takes one with each). */
function ReasonDialog({ pending, onClose }: { pending: Pending | null; onClose(): void }) {
  const revoke = useApp((s) => s.revokeSession)
  const suspend = useApp((s) => s.suspendLicense)
  const [reason, setReason] = useState('')
  const suspending = pending?.kind === 'suspend'
  const submit = async () => {
    if (!pending) return
    if (suspending) await suspend(pending.session.license_id, reason.trim())
    else await revoke(pending.session.id, reason.trim())
    setReason('')
    onClose()
  }
  return (
    <Modal
      open={pending !== null}
      onOpenChange={(o) => !o && onClose()}
      title={suspending ? 'Suspend license' : 'Revoke session'}
      description={
        suspending
          ? `License ${pending?.session.license_key ?? ''} is suspended and every one of its sessions ends.`
          : 'The client must activate again; its next heartbeat is refused.'
      }
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="danger"
            disabled={suspending && !reason.trim()}
            onClick={() => void submit()}
          >
            {suspending ? 'Suspend license' : 'Revoke session'}
          </Button>
        </>
      }
    >
      <Field label="Reason" hint={suspending ? 'Required, e.g. “License compromised”' : 'Optional'}>
        <Input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          autoFocus
        />
      </Field>
    </Modal>
  )
}

/** Live client sessions: who is connected, from where, and the controls to end them. */
export function SessionsScreen() {
  const page = useApp((s) => s.sessionsPage)
  const error = useApp((s) => s.sessionsError)
  const query = useApp((s) => s.sessionsQuery)
  const load = useApp((s) => s.loadSessions)
  const setQuery = useApp((s) => s.setSessionsQuery)
  const [pending, setPending] = useState<Pending | null>(null)
  useEffect(() => {
    void load()
    return useApp.getState().watchSecurity()
  }, [load])

  const columns: ColumnSpec<SessionDto>[] = [
    {
      id: 'key',
      header: 'License',
      width: 'minmax(150px,1.4fr)',
      cell: (s) => <span className="font-mono text-[13px]">{s.license_key ?? s.license_id}</span>,
    },
    {
      id: 'hwid',
      header: 'HWID',
      width: 'minmax(110px,1fr)',
      cell: (s) => <span className="font-mono text-[12px]">{s.hwid ?? '—'}</span>,
    },
    {
      id: 'ip',
      header: 'IP',
      width: '120px',
      optional: true,
      cell: (s) => <span className="font-mono text-[12px]">{s.ip ?? '—'}</span>,
    },
    {
      id: 'protocol',
      header: 'Protocol',
      width: '90px',
      optional: true,
      cell: (s) => <span className="text-[12px]">{s.protocol}</span>,
    },
    {
      id: 'seen',
      header: 'Last seen',
      width: '110px',
      cell: (s) => <Time iso={s.last_seen_at} never="never" />,
    },
    {
      id: 'expires',
      header: 'Expires',
      width: '110px',
      optional: true,
      cell: (s) => <Time iso={s.expires_at} />,
    },
    {
      id: 'state',
      header: 'State',
      width: 'minmax(90px,1fr)',
      cell: (s) =>
        s.is_active ? (
          <Badge tone="ok">active</Badge>
        ) : (
          <span title={s.revoked_reason ?? 'expired'}>
            <Badge>{s.revoked_at ? `revoked: ${s.revoked_reason ?? ''}` : 'expired'}</Badge>
          </span>
        ),
    },
    {
      id: 'actions',
      header: 'Actions',
      width: '180px',
      cell: (s) => (
        <span className="flex gap-1">
          <Button
            size="sm"
            variant="ghost"
            disabled={!s.is_active}
            onClick={() => setPending({ kind: 'revoke', session: s })}
            aria-label={`Revoke session of ${s.license_key ?? s.license_id} on ${s.hwid ?? 'unknown HWID'}`}
          >
            <XCircle aria-hidden="true" size={14} /> Revoke
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setPending({ kind: 'suspend', session: s })}
            aria-label={`Suspend license ${s.license_key ?? s.license_id}`}
          >
            Suspend
          </Button>
        </span>
      ),
    },
  ]

  return (
    <Page>
      <PageHeader
        title="Sessions"
        description="Clients connected right now. The list follows activity as it happens."
        actions={
          <>
            <Select
              aria-label="Which sessions"
              className="h-8 w-auto min-w-36"
              value={query.is_active === undefined ? '' : String(query.is_active)}
              onChange={(e) =>
                setQuery({
                  is_active: e.target.value === '' ? undefined : e.target.value === 'true',
                })
              }
            >
              <option value="true">Active</option>
              <option value="false">Ended</option>
              <option value="">All</option>
            </Select>
            <Button size="sm" onClick={() => void load()} aria-label="Refresh sessions">
              <RefreshCw aria-hidden="true" size={14} /> Refresh
            </Button>
          </>
        }
      />
      <Card className="flex min-h-[360px] flex-1 flex-col overflow-hidden">
        {error ? (
          <p role="alert" className="m-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            Could not load sessions: {error}
          </p>
        ) : !page ? (
          <SkeletonRows rows={8} />
        ) : page.items.length === 0 ? (
          <EmptyState
            icon={MonitorSmartphone}
            title={query.is_active === false ? 'No ended sessions' : 'No active sessions'}
          >
            A session opens when your app activates a license, and stays alive with heartbeats.
          </EmptyState>
        ) : (
          <DataTable
            label="Sessions"
            rows={page.items}
            columns={columns}
            rowId={(s) => s.id}
            rowLabel={(s) => `${s.license_key ?? s.license_id} ${s.hwid ?? ''}`}
            total={page.total}
          />
        )}
        {page && page.total > 0 && (
          <div className="border-t border-line px-4 py-2 text-[13px] text-muted" aria-live="polite">
            {fmtNum(page.items.length)} of {fmtNum(page.total)} sessions
          </div>
        )}
      </Card>
      <ReasonDialog pending={pending} onClose={() => setPending(null)} />
    </Page>
  )
}
