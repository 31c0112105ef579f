import { useEffect, useState } from 'react'
import { Plus, ShoppingCart } from 'lucide-react'
import type { OrderDto, OrderStatus } from '@shared/channels/store'
import { ORDER_STATUSES } from '@shared/channels/store'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { Card } from '../../components/ui/card'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { Time } from '../../components/ui/time'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { Badge, type Tone } from '../../components/ui/badge'
import { Field } from '../../components/ui/field'
import { Input, Select } from '../../components/ui/input'
import { Modal } from '../../components/ui/dialog'
import { fmtMoney } from '../../lib/format'

const TONE: Record<OrderStatus, Tone> = {
  pending: 'warn',
  paid: 'ok',
  refunded: 'danger',
  cancelled: 'neutral',
}

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <Badge tone={TONE[status]}>{status}</Badge>
}

/** The actions an order's status allows, each confirmed with its consequence. */
function OrderActions({ o }: { o: OrderDto }) {
  const setStatus = useApp((s) => s.setOrderStatus)
  const refund = useApp((s) => s.refundOrder)
  const confirm = useApp((s) => s.confirm)
  if (o.status === 'pending') {
    return (
      <span className="flex gap-1">
        <Button
          size="sm"
          variant="primary"
          onClick={async () => {
            const ok = await confirm({
              title: `Mark order #${o.num} paid?`,
              description: `This issues ${o.quantity} license key${o.quantity === 1 ? '' : 's'} to ${o.customer_email} and takes ${o.quantity} from the stock of “${o.product_name}”.`,
              confirmLabel: 'Mark paid',
            })
            if (ok) await setStatus(o.id, 'paid')
          }}
        >
          Mark paid
        </Button>
        <Button
          size="sm"
          onClick={async () => {
            const ok = await confirm({
              title: `Cancel order #${o.num}?`,
              description: 'A cancelled order can no longer be paid.',
              confirmLabel: 'Cancel order',
              destructive: true,
            })
            if (ok) await setStatus(o.id, 'cancelled')
          }}
        >
          Cancel
        </Button>
      </span>
    )
  }
  if (o.status === 'paid') {
    return (
      <Button
        size="sm"
        variant="danger"
        onClick={async () => {
          const ok = await confirm({
            title: `Refund order #${o.num}?`,
            description: `Its ${o.keys.length} license key${o.keys.length === 1 ? '' : 's'} are suspended at once (apps using them stop working) and the stock goes back.`,
            confirmLabel: 'Refund',
            destructive: true,
          })
          if (ok) await refund(o.id)
        }}
      >
        Refund
      </Button>
    )
  }
  return <span className="text-xs text-muted">—</span>
}

const columns: ColumnSpec<OrderDto>[] = [
  {
    id: 'num',
    header: 'Order',
    width: '64px',
    cell: (o) => <span className="tabular-nums">#{o.num}</span>,
  },
  { id: 'customer', header: 'Customer', width: 'minmax(150px,2fr)', cell: (o) => o.customer_email },
  {
    id: 'product',
    header: 'Product',
    width: 'minmax(150px,1.5fr)',
    cell: (o) => `${o.product_name} × ${o.quantity}`,
  },
  {
    id: 'amount',
    header: 'Amount',
    width: '100px',
    cell: (o) => fmtMoney(o.amount_cents, o.currency),
  },
  {
    id: 'status',
    header: 'Status',
    width: '104px',
    cell: (o) => <OrderStatusBadge status={o.status} />,
  },
  {
    id: 'keys',
    header: 'Keys',
    width: '60px',
    optional: true,
    cell: (o) => <span className="tabular-nums">{o.keys.length}</span>,
  },
  { id: 'created', header: 'Created', width: '110px', cell: (o) => <Time iso={o.created_at} /> },
  { id: 'actions', header: 'Actions', width: '186px', cell: (o) => <OrderActions o={o} /> },
]

function CreateOrderDialog({
  open,
  onOpenChange,
}: {
  open: boolean
  onOpenChange(o: boolean): void
}) {
  const products = useApp((s) => s.products)
  const create = useApp((s) => s.createOrder)
  const [email, setEmail] = useState('')
  const [productId, setProductId] = useState('')
  const [quantity, setQuantity] = useState(1)
  const [paymentRef, setPaymentRef] = useState('')
  const [error, setError] = useState<string | undefined>()
  const product = products.find((p) => p.id === (productId || products[0]?.id))
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="New order"
      description="Record a sale. Marking it paid issues its license keys."
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Close</Button>
          <Button
            variant="primary"
            onClick={async () => {
              if (!/^\S+@\S+\.\S+$/.test(email))
                return setError('A valid customer email is required')
              if (!product) return setError('Create a product first')
              setError(undefined)
              const o = await create({
                customer_email: email,
                product_id: product.id,
                quantity,
                payment_ref: paymentRef || undefined,
              })
              if (o) onOpenChange(false)
            }}
          >
            Create order
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <Field label="Customer email" error={error}>
          <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Product">
          <Select value={product?.id ?? ''} onChange={(e) => setProductId(e.target.value)}>
            {products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({fmtMoney(p.price_cents, p.currency)}
                {p.stock === null ? '' : `, ${p.stock} in stock`})
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Quantity"
          hint={
            product
              ? `Total ${fmtMoney(product.price_cents * quantity, product.currency)}`
              : undefined
          }
        >
          <Input
            type="number"
            min={1}
            max={1000}
            value={quantity}
            onChange={(e) => setQuantity(Math.max(1, Number(e.target.value) || 1))}
          />
        </Field>
        <Field label="Payment reference" hint="Optional: the payment provider's id for this sale.">
          <Input value={paymentRef} onChange={(e) => setPaymentRef(e.target.value)} />
        </Field>
      </div>
    </Modal>
  )
}

/** Orders with status filters and their actions (pay, cancel, refund). */
export function OrdersTab() {
  const orders = useApp((s) => s.orders)
  const filter = useApp((s) => s.orderFilter)
  const setFilter = useApp((s) => s.setOrderFilter)
  const load = useApp((s) => s.loadOrders)
  const [creating, setCreating] = useState(false)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <div className="flex flex-1 flex-col gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Status" className="flex w-40 flex-col gap-1">
          <Select
            value={filter.status ?? ''}
            onChange={(e) =>
              setFilter({ status: (e.target.value || undefined) as OrderStatus | undefined })
            }
          >
            <option value="">Any status</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Customer" className="flex w-64 flex-col gap-1">
          <Input
            placeholder="Email contains…"
            defaultValue={filter.customer ?? ''}
            onKeyDown={(e) => {
              if (e.key === 'Enter')
                setFilter({ customer: e.currentTarget.value.trim() || undefined })
            }}
            onBlur={(e) => setFilter({ customer: e.currentTarget.value.trim() || undefined })}
          />
        </Field>
        <Field label="From" className="flex w-40 flex-col gap-1">
          <Input
            type="date"
            value={(filter.from as string) ?? ''}
            onChange={(e) => setFilter({ from: e.target.value || undefined })}
          />
        </Field>
        <Field label="To" className="flex w-40 flex-col gap-1">
          <Input
            type="date"
            value={(filter.to as string) ?? ''}
            onChange={(e) => setFilter({ to: e.target.value || undefined })}
          />
        </Field>
        <div className="ml-auto">
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Plus aria-hidden="true" size={16} /> New order
          </Button>
        </div>
      </div>
      <Card className="flex min-h-[300px] flex-1 flex-col overflow-hidden">
        {!orders ? (
          <SkeletonRows />
        ) : orders.items.length === 0 ? (
          <EmptyState icon={ShoppingCart} title="No orders">
            Orders arrive over the Store API (POST /api/v1/orders) or from “New order”.
          </EmptyState>
        ) : (
          <DataTable
            label="Orders"
            rows={orders.items}
            columns={columns}
            rowId={(o) => o.id}
            rowLabel={(o) => `Order ${o.num}`}
            total={orders.total}
            rowHeight={48}
          />
        )}
      </Card>
      <CreateOrderDialog open={creating} onOpenChange={setCreating} />
    </div>
  )
}
