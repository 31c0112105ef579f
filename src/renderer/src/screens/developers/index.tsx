import { useEffect, useMemo, useState } from 'react'
import { Gamepad2, Plus } from 'lucide-react'
import type { CreatedHirezDeveloperDto, HirezDeveloperDto } from '@shared/hirez'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Button } from '../../components/ui/button'
import { Card } from '../../components/ui/card'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { Time } from '../../components/ui/time'
import { Drawer } from '../../components/ui/dialog'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { Badge } from '../../components/ui/badge'
import { fmtDate, fmtDateTime } from '../../lib/format'
import { DeveloperFormDialog } from './form-dialog'
import { CreatedDeveloperDialog } from './created-dialog'

const n = (x: number) => x.toLocaleString('en-US')

/** `used / limit` with a warning tone once the limit is reached. */
function Quota({ used, limit }: { used: number; limit: number }) {
  return (
    <span className={used >= limit ? 'font-medium text-danger' : undefined}>
      {n(used)} <span className="text-muted">/ {n(limit)}</span>
    </span>
  )
}

/**
 * Developers: Hi-Rez-style credentials (devId + auth key) for partners and resellers, with
 * their limits and what each used today (UTC); create, edit, re-key, revoke.
 */
export function DevelopersScreen() {
  const devs = useApp((s) => s.developers)
  const loaded = useApp((s) => s.developersLoaded)
  const load = useApp((s) => s.loadDevelopers)
  const products = useApp((s) => s.products)
  const loadProducts = useApp((s) => s.loadProducts)
  const rekey = useApp((s) => s.rekeyDeveloper)
  const revoke = useApp((s) => s.revokeDeveloper)
  const confirm = useApp((s) => s.confirm)
  const [formOpen, setFormOpen] = useState(false)
  const [editing, setEditing] = useState<HirezDeveloperDto | null>(null)
  const [created, setCreated] = useState<CreatedHirezDeveloperDto | null>(null)
  const [openId, setOpenId] = useState<number | null>(null)
  const open = devs.find((d) => d.dev_id === openId) ?? null

  useEffect(() => {
    void load()
    void loadProducts()
  }, [load, loadProducts])

  const productName = useMemo(() => new Map(products.map((p) => [p.id, p.name])), [products])
  const scope = (d: HirezDeveloperDto) =>
    d.product_ids.length === 0
      ? 'All products'
      : d.product_ids.map((id) => productName.get(id) ?? id).join(', ')

  const columns: ColumnSpec<HirezDeveloperDto>[] = useMemo(
    () => [
      {
        id: 'dev',
        header: 'Dev id',
        width: '80px',
        cell: (d) => <code className="font-mono text-xs">{d.dev_id}</code>,
      },
      {
        id: 'name',
        header: 'Name',
        width: 'minmax(120px,1.2fr)',
        cell: (d) => <span className="font-medium">{d.name}</span>,
      },
      {
        id: 'products',
        header: 'Products',
        width: 'minmax(110px,1fr)',
        cell: (d) => <span className="truncate text-xs">{scope(d)}</span>,
      },
      {
        id: 'active',
        header: 'Active sessions',
        width: '130px',
        cell: (d) => <Quota used={d.usage.active_sessions} limit={d.limits.concurrent_sessions} />,
      },
      {
        id: 'sessions',
        header: 'Sessions today',
        width: '130px',
        optional: true,
        cell: (d) => <Quota used={d.usage.sessions_today} limit={d.limits.daily_sessions} />,
      },
      {
        id: 'requests',
        header: 'Requests today',
        width: '140px',
        optional: true,
        cell: (d) => <Quota used={d.usage.requests_today} limit={d.limits.daily_requests} />,
      },
      {
        id: 'last',
        header: 'Last used',
        width: '110px',
        cell: (d) => <Time iso={d.last_used_at} never="never" />,
      },
      {
        id: 'state',
        header: 'Status',
        width: '84px',
        cell: (d) =>
          d.revoked_at ? <Badge tone="danger">revoked</Badge> : <Badge tone="ok">active</Badge>,
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- scope reads productName only
    [productName],
  )

  async function onRekey(d: HirezDeveloperDto) {
    const ok = await confirm({
      title: `New auth key for ${d.dev_id}?`,
      description: `The current key stops signing at once and ${d.usage.active_sessions} open session(s) end. The developer needs the new key to call again.`,
      confirmLabel: 'Make a new key',
      destructive: true,
    })
    if (!ok) return
    const k = await rekey(d.dev_id)
    if (k) setCreated(k)
  }

  async function onRevoke(d: HirezDeveloperDto) {
    const ok = await confirm({
      title: `Revoke developer ${d.dev_id} (“${d.name}”)?`,
      description:
        'Its sessions end and every call with it is refused (“Unauthorized Developer Id”). This cannot be undone; create a new credential to restore access.',
      confirmLabel: 'Revoke developer',
      destructive: true,
    })
    if (ok) await revoke(d.dev_id)
  }

  const newDev = () => {
    setEditing(null)
    setFormOpen(true)
  }

  return (
    <Page>
      <PageHeader
        title="Developers"
        description="Credentials for partners and resellers on the Hi-Rez-style API at /hirez/: a devId and an auth key sign every URL; sessions last minutes; quotas per day (UTC)."
        actions={
          <Button variant="primary" onClick={newDev}>
            <Plus aria-hidden="true" size={16} /> New developer
          </Button>
        }
      />
      <Card className="flex min-h-[300px] flex-1 flex-col overflow-hidden">
        {!loaded ? (
          <SkeletonRows />
        ) : devs.length === 0 ? (
          <EmptyState
            icon={Gamepad2}
            title="No developers yet"
            action={
              <Button variant="primary" onClick={newDev}>
                <Plus aria-hidden="true" size={16} /> Create a developer
              </Button>
            }
          >
            A developer credential lets a partner&apos;s tools or a reseller check, create, ban and
            reset licenses with signed URLs, within the limits and products you give it.
          </EmptyState>
        ) : (
          <DataTable
            label="Developers"
            rows={devs}
            columns={columns}
            rowId={(d) => String(d.dev_id)}
            rowLabel={(d) => d.name}
            onOpen={(d) => setOpenId(d.dev_id)}
            rowHeight={44}
          />
        )}
      </Card>
      <DeveloperFormDialog
        open={formOpen}
        editing={editing}
        onOpenChange={setFormOpen}
        onCreated={setCreated}
      />
      <CreatedDeveloperDialog created={created} onClose={() => setCreated(null)} />
      <Drawer
        open={open !== null}
        onOpenChange={(o) => !o && setOpenId(null)}
        title={open?.name ?? 'Developer'}
        description={
          open ? `Dev id ${open.dev_id} · created ${fmtDate(open.created_at)}` : undefined
        }
      >
        {open && (
          <div className="flex flex-col gap-5 px-5 py-4">
            <dl className="grid grid-cols-[160px_1fr] gap-x-3 gap-y-2 text-sm">
              <dt className="text-muted">Status</dt>
              <dd>{open.revoked_at ? `revoked ${fmtDateTime(open.revoked_at)}` : 'active'}</dd>
              <dt className="text-muted">Products</dt>
              <dd>{scope(open)}</dd>
              <dt className="text-muted">Active sessions</dt>
              <dd>
                <Quota used={open.usage.active_sessions} limit={open.limits.concurrent_sessions} />
              </dd>
              <dt className="text-muted">Sessions today</dt>
              <dd>
                <Quota used={open.usage.sessions_today} limit={open.limits.daily_sessions} />
              </dd>
              <dt className="text-muted">Requests today</dt>
              <dd>
                <Quota used={open.usage.requests_today} limit={open.limits.daily_requests} />
              </dd>
              <dt className="text-muted">Session length</dt>
              <dd>{open.limits.session_minutes} minutes</dd>
              <dt className="text-muted">Licenses created</dt>
              <dd>
                <Quota used={open.usage.licenses_created} limit={open.limits.license_allotment} />
              </dd>
              <dt className="text-muted">Last used</dt>
              <dd>{fmtDateTime(open.last_used_at)}</dd>
              <dt className="text-muted">Key made</dt>
              <dd>{fmtDateTime(open.rekeyed_at ?? open.created_at)}</dd>
            </dl>
            {!open.revoked_at && (
              <div className="flex flex-wrap gap-2">
                <Button
                  onClick={() => {
                    setEditing(open)
                    setFormOpen(true)
                  }}
                >
                  Edit limits and products
                </Button>
                <Button onClick={() => void onRekey(open)}>New auth key</Button>
                <Button variant="danger" onClick={() => void onRevoke(open)}>
                  Revoke developer
                </Button>
              </div>
            )}
          </div>
        )}
      </Drawer>
    </Page>
  )
}
