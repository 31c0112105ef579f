import { useEffect, useState } from 'react'
import { Boxes, Plus } from 'lucide-react'
import type { ProductDto } from '@shared/dto'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Button } from '../../components/ui/button'
import { Card } from '../../components/ui/card'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { Badge } from '../../components/ui/badge'
import { fmtDate, fmtNum } from '../../lib/format'
import { CreateProductDialog } from './create-dialog'
import { ProductDetail } from './detail'

const columns: ColumnSpec<ProductDto>[] = [
  {
    id: 'name',
    header: 'Name',
    width: 'minmax(180px,2fr)',
    cell: (p) => <span className="font-medium">{p.name}</span>,
  },
  {
    id: 'num',
    header: 'ID',
    width: '70px',
    cell: (p) => <span className="tabular-nums text-muted">#{p.num}</span>,
  },
  {
    id: 'status',
    header: 'Status',
    width: '100px',
    cell: (p) => (
      <Badge tone={p.is_active ? 'ok' : 'neutral'}>{p.is_active ? 'active' : 'inactive'}</Badge>
    ),
  },
  {
    id: 'licenses',
    header: 'Licenses',
    width: '100px',
    cell: (p) => <span className="tabular-nums">{fmtNum(p.license_count ?? 0)}</span>,
  },
  {
    id: 'defaults',
    header: 'New keys',
    width: 'minmax(160px,1.4fr)',
    cell: (p) =>
      `${p.license_defaults.type}, ${p.license_defaults.duration_days ? `${p.license_defaults.duration_days} days` : 'no expiry'}, ${p.license_defaults.max_uses} machine${p.license_defaults.max_uses === 1 ? '' : 's'}`,
  },
  { id: 'created', header: 'Created', width: '130px', cell: (p) => fmtDate(p.created_at) },
]

/** Products: the list, or one product's detail when the URL names it. */
export function ProductsScreen({ productId }: { productId?: string }) {
  const products = useApp((s) => s.products)
  const loaded = useApp((s) => s.productsLoaded)
  const load = useApp((s) => s.loadProducts)
  const navigate = useApp((s) => s.navigate)
  const [creating, setCreating] = useState(false)

  useEffect(() => {
    void load()
  }, [load])

  if (productId) return <ProductDetail id={productId} />

  return (
    <Page>
      <PageHeader
        title="Products"
        description="Each app you sell is a product; its licenses, secret key and policy live here."
        actions={
          <Button variant="primary" data-shortcut="new" onClick={() => setCreating(true)}>
            <Plus aria-hidden="true" size={16} /> New product
          </Button>
        }
      />
      <Card
        // The list fills the page; an empty state stays a card of its own size.
        className={`flex flex-col overflow-hidden ${products.length ? 'min-h-[300px] flex-1' : ''}`}
      >
        {!loaded ? (
          <SkeletonRows />
        ) : products.length === 0 ? (
          <EmptyState
            icon={Boxes}
            title="No products yet"
            action={
              <Button variant="primary" onClick={() => setCreating(true)}>
                <Plus aria-hidden="true" size={16} /> Create your first product
              </Button>
            }
          >
            A product is the app you license. Create one, then issue license keys for it.
          </EmptyState>
        ) : (
          <DataTable
            label="Products"
            rows={products}
            columns={columns}
            rowId={(p) => p.id}
            rowLabel={(p) => p.name}
            onOpen={(p) => navigate('products', p.id)}
            rowHeight={44}
          />
        )}
      </Card>
      <CreateProductDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(p) => navigate('products', p.id)}
      />
    </Page>
  )
}
