import { useEffect, useMemo, useState } from 'react'
import { KeySquare, Plus } from 'lucide-react'
import type { ApiKeyDto, CreatedApiKeyDto } from '@shared/apikeys'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Button } from '../../components/ui/button'
import { Card } from '../../components/ui/card'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { Time } from '../../components/ui/time'
import { Drawer } from '../../components/ui/dialog'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { Badge, type Tone } from '../../components/ui/badge'
import { fmtDate, fmtDateTime } from '../../lib/format'
import { CreateApiKeyDialog } from './create-dialog'
import { CreatedKeyDialog } from './created-dialog'
import { SigningPanel } from './signing-panel'

function state(k: ApiKeyDto): { label: string; tone: Tone } {
  if (k.revoked_at) return { label: 'revoked', tone: 'danger' }
  if (k.expires_at && Date.parse(k.expires_at) <= Date.now())
    return { label: 'expired', tone: 'warn' }
  return { label: 'active', tone: 'ok' }
}

/** API keys: backend credentials with scopes, signing and last use; create, inspect, revoke. */
export function ApiKeysScreen() {
  const keys = useApp((s) => s.apiKeys)
  const loaded = useApp((s) => s.apiKeysLoaded)
  const load = useApp((s) => s.loadApiKeys)
  const products = useApp((s) => s.products)
  const revoke = useApp((s) => s.revokeApiKey)
  const confirm = useApp((s) => s.confirm)
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<CreatedApiKeyDto | null>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const open = keys.find((k) => k.id === openId) ?? null

  useEffect(() => {
    void load()
  }, [load])

  const productName = useMemo(() => new Map(products.map((p) => [p.id, p.name])), [products])

  const columns: ColumnSpec<ApiKeyDto>[] = useMemo(
    () => [
      {
        id: 'name',
        header: 'Name',
        width: 'minmax(120px,1.2fr)',
        cell: (k) => <span className="font-medium">{k.name}</span>,
      },
      {
        id: 'prefix',
        header: 'Key',
        width: 'minmax(190px,1fr)',
        cell: (k) => <code className="font-mono text-xs">{k.prefix}…</code>,
      },
      {
        id: 'scopes',
        header: 'Scopes',
        width: 'minmax(130px,1.5fr)',
        optional: true,
        cell: (k) => <span className="truncate text-xs text-muted">{k.scopes.join(', ')}</span>,
      },
      {
        id: 'product',
        header: 'Product',
        width: '110px',
        cell: (k) => (k.product_id ? (productName.get(k.product_id) ?? 'one product') : 'all'),
      },
      {
        id: 'signing',
        header: 'Signing',
        width: '96px',
        optional: true,
        cell: (k) => (k.require_signature ? <Badge tone="accent">required</Badge> : 'off'),
      },
      {
        id: 'last',
        header: 'Last used',
        width: '150px',
        cell: (k) => (
          <span className="text-xs">
            <Time iso={k.last_used_at} never="never" />
            {k.last_used_ip && <span className="text-muted"> · {k.last_used_ip}</span>}
          </span>
        ),
      },
      {
        id: 'expires',
        header: 'Expires',
        width: '110px',
        optional: true,
        cell: (k) => (k.expires_at ? fmtDate(k.expires_at) : 'never'),
      },
      {
        id: 'state',
        header: 'Status',
        width: '84px',
        cell: (k) => {
          const s = state(k)
          return <Badge tone={s.tone}>{s.label}</Badge>
        },
      },
    ],
    [productName],
  )

  async function onRevoke(k: ApiKeyDto) {
    const ok = await confirm({
      title: `Revoke “${k.name}”?`,
      description: `Every request with ${k.prefix}… is refused from the next one on. This cannot be undone; create a new key to restore access.`,
      confirmLabel: 'Revoke key',
      destructive: true,
    })
    if (ok) await revoke(k.id)
  }

  return (
    <Page>
      <PageHeader
        title="API keys"
        description="Credentials for your backends (payment webhooks, stores, CI) on the management API, sent as X-API-Key."
        actions={
          <Button variant="primary" data-shortcut="new" onClick={() => setCreating(true)}>
            <Plus aria-hidden="true" size={16} /> New API key
          </Button>
        }
      />
      <Card className="flex min-h-[300px] flex-1 flex-col overflow-hidden">
        {!loaded ? (
          <SkeletonRows />
        ) : keys.length === 0 ? (
          <EmptyState
            icon={KeySquare}
            title="No API keys yet"
            action={
              <Button variant="primary" onClick={() => setCreating(true)}>
                <Plus aria-hidden="true" size={16} /> Create an API key
              </Button>
            }
          >
            An API key lets a backend issue and revoke licenses without you. Give it only the scopes
            it needs, and require signed requests for anything that changes data.
          </EmptyState>
        ) : (
          <DataTable
            label="API keys"
            rows={keys}
            columns={columns}
            rowId={(k) => k.id}
            rowLabel={(k) => k.name}
            onOpen={(k) => setOpenId(k.id)}
            rowHeight={44}
          />
        )}
      </Card>
      <CreateApiKeyDialog open={creating} onOpenChange={setCreating} onCreated={setCreated} />
      <CreatedKeyDialog created={created} onClose={() => setCreated(null)} />
      <Drawer
        open={open !== null}
        onOpenChange={(o) => !o && setOpenId(null)}
        title={open?.name ?? 'API key'}
        description={open ? `${open.prefix}… · created ${fmtDate(open.created_at)}` : undefined}
      >
        {open && (
          <div className="flex flex-col gap-5 px-5 py-4">
            <dl className="grid grid-cols-[120px_1fr] gap-x-3 gap-y-2 text-sm">
              <dt className="text-muted">Status</dt>
              <dd>
                <Badge tone={state(open).tone}>{state(open).label}</Badge>
              </dd>
              <dt className="text-muted">Scopes</dt>
              <dd className="font-mono text-xs">{open.scopes.join(' ')}</dd>
              <dt className="text-muted">Product</dt>
              <dd>
                {open.product_id
                  ? (productName.get(open.product_id) ?? open.product_id)
                  : 'All products'}
              </dd>
              <dt className="text-muted">IP allow-list</dt>
              <dd className="font-mono text-xs">
                {open.ip_allowlist.length ? open.ip_allowlist.join(' ') : 'any address'}
              </dd>
              <dt className="text-muted">Last used</dt>
              <dd>
                {fmtDateTime(open.last_used_at)}
                {open.last_used_ip && ` from ${open.last_used_ip}`}
              </dd>
              <dt className="text-muted">Expires</dt>
              <dd>{open.expires_at ? fmtDateTime(open.expires_at) : 'never'}</dd>
            </dl>
            {!open.revoked_at && (
              <div>
                <Button variant="danger" onClick={() => void onRevoke(open)}>
                  Revoke key
                </Button>
              </div>
            )}
            <SigningPanel key={open.id} apiKey={open} />
          </div>
        )}
      </Drawer>
    </Page>
  )
}
