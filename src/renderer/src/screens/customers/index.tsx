import { useEffect, useState } from 'react'
import { ArrowLeft, Save } from 'lucide-react'
import type { LicenseDto } from '@shared/dto'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Card } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Textarea } from '../../components/ui/input'
import { DataTable, type ColumnSpec } from '../../components/ui/data-table'
import { SkeletonRows } from '../../components/ui/skeleton'
import { StatusBadge } from '../../components/ui/badge'
import { fmtDate, fmtMoney } from '../../lib/format'
import { OrderStatusBadge } from '../store/orders'
import { machineColumns } from '../machines/columns'
import { LicenseDrawer } from '../licenses/drawer'
import { Section } from '../../components/ui/section'

const licenseColumns: ColumnSpec<LicenseDto>[] = [
  {
    id: 'key',
    header: 'Key',
    width: '196px',
    cell: (l) => <span className="font-mono text-[13px]">{l.license_key}</span>,
  },
  { id: 'product', header: 'Product', width: 'minmax(120px,1fr)', cell: (l) => l.product_name },
  { id: 'status', header: 'Status', width: '110px', cell: (l) => <StatusBadge value={l.status} /> },
  {
    id: 'uses',
    header: 'Machines',
    width: '96px',
    cell: (l) => (
      <span className="tabular-nums">
        {l.current_uses}/{l.max_uses}
      </span>
    ),
  },
  {
    id: 'expires',
    header: 'Expires',
    width: '128px',
    cell: (l) => (l.expires_at ? fmtDate(l.expires_at) : 'never'),
  },
]

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/** A table as tall as its rows, up to six (it scrolls beyond). */
const tableHeight = (rows: number) => 46 + Math.min(Math.max(rows, 1), 6) * 41

function Notes({ id, notes }: { id: string; notes: string }) {
  const save = useApp((s) => s.saveCustomerNotes)
  const [text, setText] = useState(notes)
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault()
        void save(id, text)
      }}
    >
      <Field label="Your notes on this customer" hint="Only you and your team see these.">
        <Textarea
          rows={4}
          maxLength={5000}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </Field>
      <div>
        <Button type="submit" variant="primary" size="sm" disabled={text === notes}>
          <Save aria-hidden="true" size={14} /> Save notes
        </Button>
      </div>
    </form>
  )
}

/** One customer: their licenses, machines, orders, and your notes on them. */
export function CustomerScreen({ id }: { id: string }) {
  const data = useApp((s) => s.customerPage)
  const error = useApp((s) => s.customerPageError)
  const load = useApp((s) => s.loadCustomerPage)
  const navigate = useApp((s) => s.navigate)
  const show = useApp((s) => s.showLicense)
  useEffect(() => {
    void load(id)
  }, [id, load])
  const c = data?.customer.id === id ? data.customer : null
  const spent = c
    ? Object.entries(c.spent_cents)
        .map(([cur, v]) => fmtMoney(v, cur))
        .join(' + ') || '—'
    : ''
  return (
    <Page>
      <PageHeader
        title={c ? c.email : 'Customer'}
        description={
          c
            ? `${c.name ? `${c.name} · ` : ''}customer since ${fmtDate(c.created_at)} · ${plural(c.keys, 'key')} · ${plural(c.orders, 'order')} · spent ${spent}`
            : undefined
        }
        actions={
          <Button onClick={() => navigate('customers', 'customers')}>
            <ArrowLeft aria-hidden="true" size={16} /> All customers
          </Button>
        }
      />
      {error ? (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          Could not load this customer: {error}
        </p>
      ) : !c || !data ? (
        <SkeletonRows rows={8} />
      ) : (
        <div className="flex flex-col gap-6 overflow-auto pb-6">
          <Section id="cust-licenses" title={`Licenses (${data.licenses.length})`}>
            <Card
              className="flex flex-col overflow-hidden"
              style={{ height: tableHeight(data.licenses.length) }}
            >
              <DataTable
                label="Customer licenses"
                rows={data.licenses}
                columns={licenseColumns}
                rowId={(l) => l.id}
                rowLabel={(l) => l.license_key}
                onOpen={(l) => void show(l.id)}
              />
            </Card>
          </Section>
          <Section id="cust-machines" title={`Machines (${data.machines.length})`}>
            {data.machines.length === 0 ? (
              <p className="text-sm text-muted">No machine has activated their keys yet.</p>
            ) : (
              <Card
                className="flex flex-col overflow-hidden"
                style={{ height: tableHeight(data.machines.length) }}
              >
                <DataTable
                  label="Customer machines"
                  rows={data.machines}
                  columns={machineColumns}
                  rowId={(m) => m.id}
                  rowLabel={(m) => `${m.hwid} on ${m.license_key}`}
                  onOpen={(m) => void show(m.license_id)}
                />
              </Card>
            )}
          </Section>
          <Section id="cust-orders" title={`Orders (${c.order_list.length})`}>
            {c.order_list.length === 0 ? (
              <p className="text-sm text-muted">No orders.</p>
            ) : (
              <ul
                aria-label="Orders"
                className="divide-y divide-line rounded-md border border-line"
              >
                {c.order_list.map((o) => (
                  <li key={o.id} className="flex items-center gap-2 px-3 py-2 text-sm">
                    <span className="tabular-nums">#{o.num}</span> {o.product_name} × {o.quantity} ·{' '}
                    {fmtMoney(o.amount_cents, o.currency)} · {fmtDate(o.created_at)}
                    <OrderStatusBadge status={o.status} />
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section id="cust-notes" title="Notes">
            <Notes key={c.notes} id={c.id} notes={c.notes} />
          </Section>
        </div>
      )}
      <LicenseDrawer />
    </Page>
  )
}
