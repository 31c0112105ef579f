import { useEffect, useState } from 'react'
import { KeyRound, Pencil, Plus, ScrollText, Send, Trash2, Webhook } from 'lucide-react'
import type { WebhookDto, WebhookTestResult } from '@shared/channels/webhooks'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Card } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Badge } from '../../components/ui/badge'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { fmtDateTime, fmtRelative } from '../../lib/format'
import { WebhookForm } from './form'
import { DeliveryLog } from './deliveries'
import { RotateSecret } from './rotate'

/** One endpoint: URL, events, last outcome, and its actions (test, log, rotate, edit, delete). */
function WebhookRow({ w, onEdit, onLog }: { w: WebhookDto; onEdit(): void; onLog(): void }) {
  const test = useApp((s) => s.testWebhook)
  const remove = useApp((s) => s.deleteWebhook)
  const confirm = useApp((s) => s.confirm)
  const [result, setResult] = useState<WebhookTestResult | null>(null)
  const [testing, setTesting] = useState(false)
  const [rotating, setRotating] = useState(false)
  return (
    <li className="flex flex-col gap-2 border-b border-line px-4 py-3 last:border-b-0">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <div className="flex items-center gap-2">
            <span className="truncate font-mono text-sm">{w.url}</span>
            <Badge tone={w.is_active ? 'ok' : 'neutral'}>{w.is_active ? 'active' : 'paused'}</Badge>
            {Boolean(w.pending_deliveries) && (
              <Badge tone="warn">{w.pending_deliveries} retrying</Badge>
            )}
          </div>
          <div className="mt-1 flex flex-wrap gap-1">
            {w.events.map((e) => (
              <Badge key={e} tone="accent">
                {e}
              </Badge>
            ))}
          </div>
          <p className="mt-1 text-xs text-muted">
            Last delivery {fmtRelative(w.last_delivery_at ?? null)}
            {w.last_status ? ` (${w.last_status})` : ''} · secret {w.secret}
            {w.previous_secret_expires_at &&
              ` · previous secret valid until ${fmtDateTime(w.previous_secret_expires_at)}`}
          </p>
        </div>
        <div className="flex items-center gap-1">
          <Button
            size="sm"
            disabled={testing}
            aria-label={`Send a test to ${w.url}`}
            onClick={async () => {
              setTesting(true)
              setResult((await test(w.id)) ?? null)
              setTesting(false)
            }}
          >
            <Send aria-hidden="true" size={14} /> {testing ? 'Sending…' : 'Test'}
          </Button>
          <Button size="sm" variant="ghost" onClick={onLog} aria-label={`Delivery log of ${w.url}`}>
            <ScrollText aria-hidden="true" size={14} /> Log
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setRotating(true)}
            aria-label={`Rotate the secret of ${w.url}`}
          >
            <KeyRound aria-hidden="true" size={14} /> Rotate secret
          </Button>
          <Button size="icon" variant="ghost" onClick={onEdit} aria-label={`Edit ${w.url}`}>
            <Pencil aria-hidden="true" size={14} />
          </Button>
          <Button
            size="icon"
            variant="ghost"
            aria-label={`Delete ${w.url}`}
            onClick={async () => {
              const ok = await confirm({
                title: 'Delete this webhook?',
                description: 'Its delivery log goes with it, and pending retries are dropped.',
                confirmLabel: 'Delete',
                destructive: true,
              })
              if (ok) await remove(w.id)
            }}
          >
            <Trash2 aria-hidden="true" size={14} />
          </Button>
        </div>
      </div>
      {rotating && <RotateSecret webhook={w} onClose={() => setRotating(false)} />}
      {result && (
        <p
          role="status"
          className={`rounded-md px-3 py-1.5 text-[13px] ${result.delivered ? 'bg-ok-soft text-ok' : 'bg-danger-soft text-danger'}`}
        >
          {result.delivered ? 'Delivered' : 'Not delivered'}: HTTP {result.status_code ?? '—'} in{' '}
          {result.response_time_ms} ms
          {result.error ? ` — ${result.error}` : ''}
        </p>
      )}
    </li>
  )
}

/** Webhook endpoints: CRUD, test sends with status and latency, delivery log with redelivery. */
export function WebhooksScreen() {
  const list = useApp((s) => s.webhooks)
  const loaded = useApp((s) => s.webhooksLoaded)
  const load = useApp((s) => s.loadWebhooks)
  const loadLog = useApp((s) => s.loadDeliveries)
  const [editing, setEditing] = useState<WebhookDto | null>(null)
  const [formOpen, setFormOpen] = useState(false)
  const [logFor, setLogFor] = useState<string | null>(null)
  useEffect(() => void load(), [load])
  const openNew = () => {
    setEditing(null)
    setFormOpen(true)
  }

  return (
    <Page>
      <PageHeader
        title="Webhooks"
        description="Signed HTTP notifications to your own server when licenses change or security blocks something."
        actions={
          <Button variant="primary" data-shortcut="new" onClick={openNew}>
            <Plus aria-hidden="true" size={16} /> New webhook
          </Button>
        }
      />
      <Card>
        {!loaded ? (
          <SkeletonRows rows={3} />
        ) : list.length === 0 ? (
          <EmptyState
            icon={Webhook}
            title="No webhooks yet"
            action={
              <Button variant="primary" onClick={openNew}>
                New webhook
              </Button>
            }
          >
            Point Keywarden at an endpoint of yours; every delivery is signed with HMAC-SHA256 and
            retried for a day.
          </EmptyState>
        ) : (
          <ul aria-label="Webhooks">
            {list.map((w) => (
              <WebhookRow
                key={w.id}
                w={w}
                onEdit={() => {
                  setEditing(w)
                  setFormOpen(true)
                }}
                onLog={() => {
                  setLogFor(w.id)
                  void loadLog(w.id)
                }}
              />
            ))}
          </ul>
        )}
      </Card>
      {formOpen && (
        <WebhookForm key={editing?.id ?? 'new'} open webhook={editing} onOpenChange={setFormOpen} />
      )}
      <DeliveryLog webhookId={logFor} onClose={() => setLogFor(null)} />
    </Page>
  )
}
