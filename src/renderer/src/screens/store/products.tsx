import { useEffect, useState } from 'react'
import { Boxes } from 'lucide-react'
import type { ProductDto } from '@shared/dto'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { Card } from '../../components/ui/card'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'
import { Modal } from '../../components/ui/dialog'
import { fmtMoney, fmtNum } from '../../lib/format'

function PriceDialog({ product, onClose }: { product: ProductDto; onClose(): void }) {
  const update = useApp((s) => s.updateProduct)
  // Mounted per product (keyed by the caller), so the form starts from that product's values.
  const [price, setPrice] = useState((product.price_cents / 100).toFixed(2))
  const [stock, setStock] = useState(product.stock === null ? '' : String(product.stock))
  const [error, setError] = useState<string | undefined>()
  return (
    <Modal
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Price and stock: ${product.name}`}
      footer={
        <>
          <Button onClick={onClose}>Close</Button>
          <Button
            variant="primary"
            onClick={async () => {
              const cents = Math.round(Number(price) * 100)
              if (!/^\d+(\.\d{1,2})?$/.test(price.trim()))
                return setError('Price: a number with at most 2 decimals')
              if (stock.trim() !== '' && !/^\d+$/.test(stock.trim()))
                return setError('Stock: a whole number, or empty for unlimited')
              const saved = await update(
                product.id,
                { price_cents: cents, stock: stock.trim() === '' ? null : Number(stock) },
                'Price and stock saved',
              )
              if (saved) onClose()
            }}
          >
            Save
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <Field label={`Price (${product.currency})`} error={error}>
          <Input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
        </Field>
        <Field
          label="Stock"
          hint="Empty = unlimited. Each paid order takes its quantity; a refund gives it back."
        >
          <Input inputMode="numeric" value={stock} onChange={(e) => setStock(e.target.value)} />
        </Field>
      </div>
    </Modal>
  )
}

/** What the store sells: each product with its price and stock (editable). */
export function StoreProductsTab() {
  const products = useApp((s) => s.products)
  const loaded = useApp((s) => s.productsLoaded)
  const load = useApp((s) => s.loadProducts)
  const [editing, setEditing] = useState<ProductDto | null>(null)
  useEffect(() => {
    void load()
  }, [load])
  const columns: ColumnSpec<ProductDto>[] = [
    {
      id: 'name',
      header: 'Product',
      width: 'minmax(180px,2fr)',
      cell: (p) => <span className="font-medium">{p.name}</span>,
    },
    {
      id: 'num',
      header: 'product_id',
      width: '100px',
      cell: (p) => <span className="tabular-nums text-muted">{p.num}</span>,
    },
    {
      id: 'price',
      header: 'Price',
      width: '120px',
      cell: (p) => fmtMoney(p.price_cents, p.currency),
    },
    {
      id: 'stock',
      header: 'Stock',
      width: '100px',
      cell: (p) => (p.stock === null ? 'unlimited' : fmtNum(p.stock)),
    },
    { id: 'keys', header: 'Keys', width: '90px', cell: (p) => fmtNum(p.license_count ?? 0) },
    {
      id: 'edit',
      header: 'Actions',
      width: '150px',
      cell: (p) => (
        <Button size="sm" onClick={() => setEditing(p)} aria-label={`Price & stock of ${p.name}`}>
          Price & stock
        </Button>
      ),
    },
  ]
  return (
    <Card className="flex min-h-[300px] flex-1 flex-col overflow-hidden">
      {!loaded ? (
        <SkeletonRows />
      ) : products.length === 0 ? (
        <EmptyState icon={Boxes} title="Nothing to sell yet">
          Create a product (Products screen, or POST /api/v1/products), then give it a price.
        </EmptyState>
      ) : (
        <DataTable
          label="Store products"
          rows={products}
          columns={columns}
          rowId={(p) => p.id}
          rowLabel={(p) => p.name}
          rowHeight={48}
        />
      )}
      {editing && (
        <PriceDialog key={editing.id} product={editing} onClose={() => setEditing(null)} />
      )}
    </Card>
  )
}
