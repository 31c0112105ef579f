import { useEffect, useState } from 'react'
import { Download, KeyRound, Plus } from 'lucide-react'
import type { LicenseDto } from '@shared/dto'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Button } from '../../components/ui/button'
import { Card } from '../../components/ui/card'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { StatusBadge } from '../../components/ui/badge'
import { fmtDate } from '../../lib/format'
import { Filters } from './filters'
import { BulkBar } from './bulk-bar'
import { Pager } from './pager'
import { CreateLicensesDialog } from './create-dialog'
import { LicenseDrawer } from './drawer'
import { OfflineActivationButton } from './license-files'

const columns: ColumnSpec<LicenseDto>[] = [
  {
    id: 'key',
    header: 'Key',
    width: '196px',
    sortKey: 'key',
    cell: (l) => <span className="font-mono text-[13px]">{l.license_key}</span>,
  },
  {
    id: 'product',
    header: 'Product',
    width: 'minmax(0,1fr)',
    minWidth: 120,
    cell: (l) => l.product_name ?? '—',
  },
  {
    id: 'status',
    header: 'Status',
    width: '112px',
    sortKey: 'status',
    cell: (l) => <StatusBadge value={l.status} />,
  },
  {
    id: 'type',
    header: 'Type',
    width: '116px',
    sortKey: 'type',
    optional: true,
    cell: (l) => l.type,
  },
  {
    id: 'uses',
    header: 'Machines',
    width: '100px',
    optional: true,
    // A floating license shows its seats in use (live), a node-locked one its bound machines.
    cell: (l) =>
      l.seats ? (
        <span className="tabular-nums" title="Floating seats in use">
          {l.seats.in_use}/{l.seats.seats} seats
        </span>
      ) : (
        <span className="tabular-nums">
          {l.current_uses}/{l.max_uses}
        </span>
      ),
  },
  {
    id: 'customer',
    header: 'Customer',
    width: 'minmax(0,1.2fr)',
    minWidth: 160,
    cell: (l) => l.customer_email ?? <span className="text-muted">—</span>,
  },
  {
    id: 'expires',
    header: 'Expires',
    width: '132px',
    sortKey: 'expires_at',
    cell: (l) => (l.expires_at ? fmtDate(l.expires_at) : 'never'),
  },
]

/** The "expiring in 30 days" preset: active keys whose expiry falls in the next 30 days. */
function expiringQuery() {
  const now = new Date()
  return {
    status: 'active' as const,
    expires_from: now.toISOString(),
    expires_to: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    sort: 'expires_at' as const,
    order: 'asc' as const,
  }
}

/** Downloads of the whole filtered set (not only this page), streamed by the server. */
function ExportButtons() {
  const exportLicenses = useApp((s) => s.exportLicenses)
  return (
    <>
      <Button onClick={() => void exportLicenses('csv')}>
        <Download aria-hidden="true" size={16} /> Export CSV
      </Button>
      <Button onClick={() => void exportLicenses('json')}>
        <Download aria-hidden="true" size={16} /> Export JSON
      </Button>
    </>
  )
}

/**
 * Licenses: server-side paged, sorted, filtered and searched; virtualized rows; bulk actions.
 * `preset="expiring"` is the "Expiring in 30 days" view: the same table, filtered.
 */
export function LicensesScreen({ preset }: { preset?: 'expiring' } = {}) {
  const page = useApp((s) => s.licensePage)
  const loading = useApp((s) => s.licensesLoading)
  const error = useApp((s) => s.licensesError)
  const query = useApp((s) => s.licenseQuery)
  const selected = useApp((s) => s.selectedLicenses)
  const load = useApp((s) => s.loadLicenses)
  const setQuery = useApp((s) => s.setLicenseQuery)
  const toggle = useApp((s) => s.toggleLicense)
  const selectMany = useApp((s) => s.selectLicenses)
  const show = useApp((s) => s.showLicense)
  const products = useApp((s) => s.products)
  const [creating, setCreating] = useState(false)

  useEffect(() => {
    if (preset === 'expiring') setQuery(expiringQuery())
    else if (useApp.getState().licenseQuery.expires_from)
      // Leaving the preset: the plain list is not left filtered by it.
      setQuery({ status: undefined, expires_from: undefined, expires_to: undefined })
    else void load()
  }, [load, preset, setQuery])

  const filtered = Boolean(
    query.q ||
    query.product_id ||
    query.status ||
    query.type ||
    query.expires_from ||
    query.expires_to,
  )
  const offset = page ? (page.page - 1) * page.limit : 0

  return (
    <Page>
      <PageHeader
        title={preset === 'expiring' ? 'Expiring in 30 days' : 'Licenses'}
        description={
          preset === 'expiring'
            ? 'Active keys whose expiry falls within the next 30 days, soonest first: renew or reach out.'
            : 'Every key you have issued. Search by key prefix, customer email or metadata text.'
        }
        actions={
          <>
            <ExportButtons />
            <OfflineActivationButton />
            <Button
              variant="primary"
              data-shortcut="new"
              onClick={() => setCreating(true)}
              disabled={products.length === 0}
              title={products.length === 0 ? 'Create a product first' : undefined}
            >
              <Plus aria-hidden="true" size={16} /> Create licenses
            </Button>
          </>
        }
      />
      <Filters />
      <BulkBar />
      <Card className="mt-3 flex min-h-[360px] flex-1 flex-col overflow-hidden">
        {error ? (
          <p role="alert" className="m-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            Could not load licenses: {error}
          </p>
        ) : !page ? (
          <SkeletonRows rows={8} />
        ) : page.items.length === 0 ? (
          filtered ? (
            <EmptyState
              icon={KeyRound}
              title="No licenses match"
              action={
                <Button
                  onClick={() =>
                    setQuery({
                      q: undefined,
                      product_id: undefined,
                      status: undefined,
                      type: undefined,
                      expires_from: undefined,
                      expires_to: undefined,
                    })
                  }
                >
                  Clear filters
                </Button>
              }
            >
              Try a shorter key prefix, or clear the filters.
            </EmptyState>
          ) : (
            <EmptyState
              icon={KeyRound}
              title="No licenses yet"
              action={
                products.length ? (
                  <Button variant="primary" onClick={() => setCreating(true)}>
                    <Plus aria-hidden="true" size={16} /> Create licenses
                  </Button>
                ) : (
                  <Button variant="primary" onClick={() => useApp.getState().navigate('products')}>
                    Create a product first
                  </Button>
                )
              }
            >
              Issue keys for a product: one at a time, or hundreds at once for a sale or a reseller.
            </EmptyState>
          )
        ) : (
          <div aria-busy={loading} className="flex min-h-0 flex-1 flex-col">
            <DataTable
              label="Licenses"
              rows={page.items}
              columns={columns}
              rowId={(l) => l.id}
              rowLabel={(l) => l.license_key}
              offset={offset}
              total={page.total}
              sorting={{ sort: query.sort ?? 'created_at', order: query.order ?? 'desc' }}
              onSort={(key) =>
                setQuery({
                  sort: key as NonNullable<typeof query.sort>,
                  order: query.sort === key && query.order === 'desc' ? 'asc' : 'desc',
                })
              }
              selected={selected}
              onToggle={toggle}
              onToggleAll={(on) => selectMany(page.items, on)}
              onOpen={(l) => void show(l.id)}
            />
          </div>
        )}
        {page && page.total > 0 && <Pager />}
      </Card>
      <CreateLicensesDialog open={creating} onOpenChange={setCreating} />
      <LicenseDrawer />
    </Page>
  )
}
