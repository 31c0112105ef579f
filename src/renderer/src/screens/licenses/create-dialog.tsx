import { useEffect, useState } from 'react'
import { useForm, useWatch } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { z } from 'zod'
import { Download } from 'lucide-react'
import type { LicenseDto } from '@shared/dto'
import { licenseTypeSchema } from '@shared/schemas'
import { useApp } from '../../store'
import { Modal } from '../../components/ui/dialog'
import { Field } from '../../components/ui/field'
import { Input, Select, Textarea } from '../../components/ui/input'
import { Button } from '../../components/ui/button'
import { CopyButton } from '../../components/ui/copy'
import { download } from '../../lib/format'

const PRESETS = {
  default: 'Product default',
  '7': '7 days',
  '30': '30 days',
  '90': '90 days',
  '365': '1 year',
  never: 'Never expires',
  custom: 'Pick a date',
} as const

const formSchema = z
  .object({
    product_id: z.string().min(1, 'Pick a product'),
    count: z
      .number({ message: 'How many keys?' })
      .int()
      .min(1)
      .max(10_000, 'At most 10,000 at once'),
    type: z.union([licenseTypeSchema, z.literal('')]),
    expiry: z.enum(Object.keys(PRESETS) as [keyof typeof PRESETS]),
    expires_on: z.string(),
    max_uses: z.number().int().min(1).max(10_000).optional(),
    hwid_locked: z.enum(['default', 'yes', 'no']),
    customer_email: z.union([z.email('Not an email address'), z.literal('')]),
    metadata: z.string().refine((s) => {
      if (!s.trim()) return true
      try {
        const v: unknown = JSON.parse(s)
        return typeof v === 'object' && v !== null && !Array.isArray(v)
      } catch {
        return false
      }
    }, 'A JSON object, e.g. {"plan": "pro"}'),
  })
  .refine((v) => v.expiry !== 'custom' || v.expires_on !== '', {
    message: 'Pick the expiry date',
    path: ['expires_on'],
  })
type FormValues = z.infer<typeof formSchema>

function expiresAt(v: FormValues): string | null | undefined {
  if (v.expiry === 'default') return undefined
  if (v.expiry === 'never') return null
  if (v.expiry === 'custom') return new Date(`${v.expires_on}T23:59:59.000Z`).toISOString()
  return new Date(Date.now() + Number(v.expiry) * 86_400_000).toISOString()
}

/** Create one or many licenses; the new keys are shown for copy or download. */
export function CreateLicensesDialog({
  open,
  onOpenChange,
}: {
  open: boolean
  onOpenChange(o: boolean): void
}) {
  const products = useApp((s) => s.products)
  const filterProduct = useApp((s) => s.licenseQuery.product_id)
  const create = useApp((s) => s.createLicenses)
  const [created, setCreated] = useState<LicenseDto[] | null>(null)
  const f = useForm<FormValues>({
    resolver: zodResolver(formSchema),
    defaultValues: {
      product_id: '',
      count: 1,
      type: '',
      expiry: 'default',
      expires_on: '',
      hwid_locked: 'default',
      customer_email: '',
      metadata: '',
    },
  })
  const e = f.formState.errors
  const defaultProduct = filterProduct ?? products[0]?.id ?? ''
  useEffect(() => {
    if (open) f.setValue('product_id', f.getValues('product_id') || defaultProduct)
  }, [open, defaultProduct, f])
  const expiry = useWatch({ control: f.control, name: 'expiry' })

  const close = (o: boolean) => {
    onOpenChange(o)
    if (!o) {
      setCreated(null)
      f.reset()
    }
  }

  const submit = f.handleSubmit(async (v) => {
    const ls = await create(
      {
        product_id: v.product_id,
        ...(v.type && { type: v.type }),
        ...(expiresAt(v) !== undefined && { expires_at: expiresAt(v) }),
        ...(v.max_uses && { max_uses: v.max_uses }),
        ...(v.hwid_locked !== 'default' && { hwid_locked: v.hwid_locked === 'yes' }),
        ...(v.customer_email && { customer_email: v.customer_email }),
        ...(v.metadata.trim() && { metadata: JSON.parse(v.metadata) as Record<string, unknown> }),
      },
      v.count,
    )
    if (ls) setCreated(ls)
  })

  if (created) {
    const keys = created.map((l) => l.license_key).join('\n')
    return (
      <Modal
        open={open}
        onOpenChange={close}
        title={`${created.length} new license${created.length === 1 ? '' : 's'}`}
        description="Copy or download the keys now and send them to your customers."
        footer={
          <>
            <Button
              onClick={() =>
                download(`licenses-${new Date().toISOString().slice(0, 10)}.txt`, `${keys}\n`)
              }
            >
              <Download aria-hidden="true" size={14} /> Download .txt
            </Button>
            <Button variant="primary" onClick={() => close(false)}>
              Done
            </Button>
          </>
        }
      >
        <div className="mb-2 flex items-center justify-between text-sm text-muted">
          Keys
          <CopyButton value={keys} label="all keys" />
        </div>
        <ul
          aria-label="New license keys"
          className="max-h-72 overflow-y-auto rounded-md border border-line bg-surface-2 p-2 font-mono text-[13px]"
        >
          {created.map((l) => (
            <li key={l.id} className="flex items-center justify-between px-1">
              {l.license_key}
              <CopyButton value={l.license_key} label={`key ${l.license_key}`} />
            </li>
          ))}
        </ul>
      </Modal>
    )
  }

  return (
    <Modal
      open={open}
      onOpenChange={close}
      title="Create licenses"
      description="Anything left on “default” uses the product's defaults."
      width="max-w-xl"
      footer={
        <>
          <Button onClick={() => close(false)}>Cancel</Button>
          <Button
            variant="primary"
            type="submit"
            form="create-licenses"
            disabled={f.formState.isSubmitting}
          >
            {f.formState.isSubmitting ? 'Creating…' : 'Create'}
          </Button>
        </>
      }
    >
      <form
        id="create-licenses"
        noValidate
        onSubmit={(ev) => void submit(ev)}
        className="grid grid-cols-2 gap-4"
      >
        <Field label="Product" error={e.product_id?.message}>
          <Select {...f.register('product_id')}>
            <option value="">Choose…</option>
            {products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="How many" error={e.count?.message}>
          <Input
            type="number"
            min={1}
            max={10000}
            {...f.register('count', { valueAsNumber: true })}
          />
        </Field>
        <Field label="Type" error={e.type?.message}>
          <Select {...f.register('type')}>
            <option value="">Product default</option>
            <option value="trial">Trial</option>
            <option value="subscription">Subscription</option>
            <option value="lifetime">Lifetime</option>
          </Select>
        </Field>
        <Field label="Expires" error={e.expiry?.message}>
          <Select {...f.register('expiry')}>
            {Object.entries(PRESETS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        {expiry === 'custom' && (
          <Field label="Expiry date" error={e.expires_on?.message}>
            <Input type="date" {...f.register('expires_on')} />
          </Field>
        )}
        <Field label="Max machines" error={e.max_uses?.message} hint="Empty: product default">
          <Input
            type="number"
            min={1}
            {...f.register('max_uses', {
              setValueAs: (v: string) => (v === '' ? undefined : Number(v)),
            })}
          />
        </Field>
        <Field label="HWID lock" error={e.hwid_locked?.message}>
          <Select {...f.register('hwid_locked')}>
            <option value="default">Product default</option>
            <option value="yes">Locked to first machine(s)</option>
            <option value="no">Not locked</option>
          </Select>
        </Field>
        <Field
          label="Customer email"
          error={e.customer_email?.message}
          hint="Optional"
          className="col-span-2 flex flex-col gap-1.5"
        >
          <Input type="email" {...f.register('customer_email')} />
        </Field>
        <Field
          label="Metadata (JSON)"
          error={e.metadata?.message}
          hint='Optional, searchable, e.g. {"plan": "pro"}'
          className="col-span-2 flex flex-col gap-1.5"
        >
          <Textarea className="font-mono text-[13px]" {...f.register('metadata')} />
        </Field>
      </form>
    </Modal>
  )
}
