import { ArrowLeft, Eye, EyeOff, RefreshCw, Trash2 } from 'lucide-react'
import { useState } from 'react'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Button } from '../../components/ui/button'
import { Card, CardHeader } from '../../components/ui/card'
import { CopyButton } from '../../components/ui/copy'
import { Badge } from '../../components/ui/badge'
import { SkeletonRows } from '../../components/ui/skeleton'
import { fmtDate, fmtNum } from '../../lib/format'
import { DefaultsForm, DetailsForm, PolicyForm } from './forms'
import { SeatPolicyForm } from './seat-policy-form'
import { VariablesEditor } from '../../components/variables-editor'
import { DomainsCard } from './domains-card'
import { InjectablesCard } from './injectables-card'

/** One product: its secret key, details, defaults for new licenses, and policy. */
export function ProductDetail({ id }: { id: string }) {
  const p = useApp((s) => s.products.find((x) => x.id === id))
  const loaded = useApp((s) => s.productsLoaded)
  const navigate = useApp((s) => s.navigate)
  const confirm = useApp((s) => s.confirm)
  const regenerate = useApp((s) => s.regenerateProductKey)
  const remove = useApp((s) => s.deleteProduct)
  const setQuery = useApp((s) => s.setLicenseQuery)
  const setPaid = useApp((s) => s.setProductPaid)
  const [reveal, setReveal] = useState(false)

  if (!p) {
    return (
      <Page>
        <PageHeader title="Product" />
        {loaded ? (
          <p className="text-sm text-muted">This product does not exist (any more).</p>
        ) : (
          <SkeletonRows />
        )}
      </Page>
    )
  }

  const masked = `${p.secret_key.slice(0, 8)}${'•'.repeat(24)}`
  return (
    <Page>
      <button
        type="button"
        onClick={() => navigate('products')}
        className="mb-3 inline-flex items-center gap-1 self-start text-sm text-muted hover:text-fg"
      >
        <ArrowLeft aria-hidden="true" size={14} /> All products
      </button>
      <PageHeader
        title={p.name}
        description={
          <span className="flex items-center gap-2">
            <Badge tone={p.is_active ? 'ok' : 'neutral'}>
              {p.is_active ? 'active' : 'inactive'}
            </Badge>
            <Badge tone={p.has_paid ? 'ok' : 'warn'}>{p.has_paid ? 'paid' : 'unpaid'}</Badge>
            Product #{p.num} · {fmtNum(p.license_count ?? 0)} licenses · created{' '}
            {fmtDate(p.created_at)}
          </span>
        }
        actions={
          <>
            <Button
              onClick={() => void setPaid(p.id, !p.has_paid)}
              title="DevPayr's has_paid: runtimes read it; a paid store order sets it too"
            >
              {p.has_paid ? 'Mark unpaid' : 'Mark paid'}
            </Button>
            <Button
              onClick={() => {
                setQuery({ product_id: p.id })
                navigate('licenses')
              }}
            >
              View licenses
            </Button>
            <Button
              variant="danger"
              onClick={async () => {
                const ok = await confirm({
                  title: `Delete “${p.name}”?`,
                  description: `This deletes the product and its ${fmtNum(p.license_count ?? 0)} licenses, machines and sessions. Apps using them stop validating. This cannot be undone.`,
                  confirmLabel: 'Delete product',
                  destructive: true,
                })
                if (ok && (await remove(p.id))) navigate('products')
              }}
            >
              <Trash2 aria-hidden="true" size={15} /> Delete
            </Button>
          </>
        }
      />
      <div className="grid grid-cols-1 items-start gap-4 xl:grid-cols-2">
        <Card>
          <CardHeader
            title="Secret key"
            description="Your app's backend uses it to call the management API for this product."
          />
          <div className="flex items-center gap-2 px-4 py-4">
            <code
              aria-label={reveal ? 'Secret key' : 'Secret key (hidden)'}
              className="min-w-0 flex-1 truncate rounded-md bg-surface-2 px-3 py-2 font-mono text-[13px]"
            >
              {reveal ? p.secret_key : masked}
            </code>
            <Button
              size="icon"
              variant="ghost"
              aria-label={reveal ? 'Hide secret key' : 'Reveal secret key'}
              aria-pressed={reveal}
              onClick={() => setReveal(!reveal)}
            >
              {reveal ? (
                <EyeOff aria-hidden="true" size={15} />
              ) : (
                <Eye aria-hidden="true" size={15} />
              )}
            </Button>
            <CopyButton value={p.secret_key} label="secret key" />
            <Button
              size="sm"
              onClick={async () => {
                const ok = await confirm({
                  title: 'Regenerate the secret key?',
                  description: `Every app or backend using the current key for “${p.name}” stops working until you give it the new key. The old key stops working at once.`,
                  confirmLabel: 'Regenerate key',
                  destructive: true,
                })
                if (ok && (await regenerate(p.id))) setReveal(true)
              }}
            >
              <RefreshCw aria-hidden="true" size={14} /> Regenerate
            </Button>
          </div>
          <div className="flex items-center gap-2 border-t border-line px-4 py-3 text-sm">
            <span className="text-muted">Product ID</span>
            <code className="min-w-0 flex-1 truncate font-mono text-[13px]">{p.id}</code>
            <CopyButton value={p.id} label="product ID" />
          </div>
        </Card>
        <DetailsForm product={p} />
        <DefaultsForm product={p} />
        <PolicyForm product={p} />
        <SeatPolicyForm product={p} />
        <VariablesEditor scope={{ product_id: p.id }} />
        <DomainsCard productId={p.id} />
        <InjectablesCard productId={p.id} />
      </div>
    </Page>
  )
}
