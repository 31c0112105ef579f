import { useEffect, useState } from 'react'
import { Users } from 'lucide-react'
import type { CustomerDetailDto, CustomerDto } from '@shared/channels/store'
import { useApp } from '../../store'
import { Card } from '../../components/ui/card'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { StatusBadge } from '../../components/ui/badge'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'
import { Modal } from '../../components/ui/dialog'
import { fmtDate, fmtMoney, fmtNum } from '../../lib/format'
import { OrderStatusBadge } from './orders'
import { Button } from '../../components/ui/button'
import { customerParam } from '../customers/route'

function spent(m: Record<string, number>): string {
  const parts = Object.entries(m).map(([c, v]) => fmtMoney(v, c))
  return parts.length ? parts.join(' + ') : '—'
}

const columns: ColumnSpec<CustomerDto>[] = [
  {
    id: 'email',
    header: 'Email',
    width: 'minmax(200px,2fr)',
    cell: (c) => <span className="font-medium">{c.email}</span>,
  },
  { id: 'name', header: 'Name', width: 'minmax(120px,1fr)', cell: (c) => c.name ?? '—' },
  {
    id: 'orders',
    header: 'Orders',
    width: '80px',
    cell: (c) => <span className="tabular-nums">{fmtNum(c.orders)}</span>,
  },
  {
    id: 'keys',
    header: 'Keys',
    width: '70px',
    cell: (c) => <span className="tabular-nums">{fmtNum(c.keys)}</span>,
  },
  { id: 'spent', header: 'Spent', width: '140px', cell: (c) => spent(c.spent_cents) },
  { id: 'since', header: 'Customer since', width: '130px', cell: (c) => fmtDate(c.created_at) },
]

function CustomerDialog({ id, onClose }: { id: string | null; onClose(): void }) {
  const loadCustomer = useApp((s) => s.loadCustomer)
  const navigate = useApp((s) => s.navigate)
  const [c, setC] = useState<CustomerDetailDto | undefined>()
  useEffect(() => {
    if (!id) return
    let live = true
    void loadCustomer(id).then((x) => {
      if (live) setC(x)
    })
    return () => {
      live = false
    }
  }, [id, loadCustomer])
  const shown = c && c.id === id ? c : undefined
  return (
    <Modal
      open={id !== null}
      onOpenChange={(o) => !o && onClose()}
      title={shown?.email ?? 'Customer'}
      width="max-w-2xl"
      footer={
        id && (
          <Button
            variant="primary"
            onClick={() => {
              onClose()
              navigate('customers', customerParam(id))
            }}
          >
            Open customer page
          </Button>
        )
      }
    >
      {!shown ? (
        <SkeletonRows rows={3} />
      ) : (
        <div className="flex flex-col gap-4 text-sm">
          <p className="text-muted">
            {shown.orders} orders · {shown.keys} keys · spent {spent(shown.spent_cents)}
          </p>
          <section>
            <h3 className="mb-2 font-semibold">Orders</h3>
            <ul className="flex flex-col gap-1">
              {shown.order_list.map((o) => (
                <li key={o.id} className="flex items-center gap-2">
                  <span className="tabular-nums">#{o.num}</span> {o.product_name} × {o.quantity} ·{' '}
                  {fmtMoney(o.amount_cents, o.currency)} <OrderStatusBadge status={o.status} />
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h3 className="mb-2 font-semibold">License keys</h3>
            <ul className="flex flex-col gap-1">
              {shown.key_list.map((k) => (
                <li key={k.id} className="flex items-center gap-2">
                  <code className="font-mono text-[13px]">{k.key}</code> {k.product_name}{' '}
                  <StatusBadge value={k.status} />
                  {k.used && <span className="text-xs text-muted">in use</span>}
                </li>
              ))}
              {shown.key_list.length === 0 && <li className="text-muted">No keys yet.</li>}
            </ul>
          </section>
        </div>
      )}
    </Modal>
  )
}

/** Customers, made from orders (and keys issued to an email), with their orders and keys. */
export function CustomersTab() {
  const customers = useApp((s) => s.customers)
  const query = useApp((s) => s.customerQuery)
  const load = useApp((s) => s.loadCustomers)
  const [open, setOpen] = useState<string | null>(null)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <div className="flex flex-1 flex-col gap-3">
      <Field label="Search customers" className="flex w-80 flex-col gap-1">
        <Input
          placeholder="Email or name…"
          defaultValue={query}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void load(e.currentTarget.value.trim())
          }}
        />
      </Field>
      <Card className="flex min-h-[300px] flex-1 flex-col overflow-hidden">
        {!customers ? (
          <SkeletonRows />
        ) : customers.items.length === 0 ? (
          <EmptyState icon={Users} title="No customers">
            A customer appears with their first order or license issued to their email.
          </EmptyState>
        ) : (
          <DataTable
            label="Customers"
            rows={customers.items}
            columns={columns}
            rowId={(c) => c.id}
            rowLabel={(c) => c.email}
            total={customers.total}
            onOpen={(c) => setOpen(c.id)}
          />
        )}
      </Card>
      <CustomerDialog id={open} onClose={() => setOpen(null)} />
    </div>
  )
}
