import { Tabs } from 'radix-ui'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { OrdersTab } from './orders'
import { CustomersTab } from './customers'
import { StoreProductsTab } from './products'
import { AnalyticsTab } from './analytics'
import { SecretsPanel, SellRealmSettings } from './secrets'

const TABS = [
  { id: 'orders', label: 'Orders', render: () => <OrdersTab /> },
  { id: 'customers', label: 'Customers', render: () => <CustomersTab /> },
  { id: 'products', label: 'Price & stock', render: () => <StoreProductsTab /> },
  { id: 'analytics', label: 'Analytics', render: () => <AnalyticsTab /> },
  {
    id: 'api',
    label: 'API secrets',
    render: () => (
      <div className="flex flex-col gap-4">
        <SecretsPanel />
        <SellRealmSettings />
      </div>
    ),
  },
] as const

/** The store: orders (pay, cancel, refund), customers, prices and stock, analytics, secrets. */
export function StoreScreen({ tab }: { tab?: string }) {
  const navigate = useApp((s) => s.navigate)
  const current = TABS.find((t) => t.id === tab)?.id ?? 'orders'
  return (
    <Page>
      <PageHeader
        title="Customers & orders"
        description="Sales from the Store API or recorded here: a paid order issues its license keys, a refund suspends them."
      />
      <Tabs.Root
        value={current}
        onValueChange={(v) => navigate('customers', v)}
        className="flex flex-1 flex-col"
      >
        <Tabs.List aria-label="Store sections" className="mb-4 flex gap-1 border-b border-line">
          {TABS.map((t) => (
            <Tabs.Trigger
              key={t.id}
              value={t.id}
              className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm text-muted hover:text-fg data-[state=active]:border-accent data-[state=active]:font-medium data-[state=active]:text-fg"
            >
              {t.label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {TABS.map((t) => (
          <Tabs.Content key={t.id} value={t.id} className="flex flex-1 flex-col">
            {t.id === current && t.render()}
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </Page>
  )
}
