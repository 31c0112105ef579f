import { useEffect } from 'react'
import { useForm } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { z } from 'zod'
import {
  API_KEY_SCOPES,
  SCOPE_LABELS,
  createApiKeySchema,
  type ApiKeyScope,
  type CreatedApiKeyDto,
} from '@shared/apikeys'
import { useApp } from '../../store'
import { Modal } from '../../components/ui/dialog'
import { Field } from '../../components/ui/field'
import { Checkbox, Input, Select, Textarea } from '../../components/ui/input'
import { Button } from '../../components/ui/button'

// The form edits text for the allow-list and the expiry; the shared schema checks the result.
const formSchema = z.object({
  name: createApiKeySchema.shape.name,
  scopes: z.array(z.string()).min(1, 'Pick at least one scope'),
  product_id: z.string(),
  expires_on: z.string(),
  ip_allowlist: z.string(),
  require_signature: z.boolean(),
})
type FormValues = z.infer<typeof formSchema>

const defaults: FormValues = {
  name: '',
  scopes: ['licenses:read', 'licenses:write'],
  product_id: '',
  expires_on: '',
  ip_allowlist: '',
  require_signature: true,
}

/** New API key: name, scopes, optional product restriction, expiry, allow-list, signing. */
export function CreateApiKeyDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean
  onOpenChange(o: boolean): void
  onCreated(k: CreatedApiKeyDto): void
}) {
  const create = useApp((s) => s.createApiKey)
  const products = useApp((s) => s.products)
  const loadProducts = useApp((s) => s.loadProducts)
  const { register, handleSubmit, reset, setError, formState } = useForm<FormValues>({
    resolver: zodResolver(formSchema),
    defaultValues: defaults,
  })
  useEffect(() => {
    if (open) void loadProducts()
  }, [open, loadProducts])

  const submit = handleSubmit(async (v) => {
    const input = createApiKeySchema.safeParse({
      name: v.name,
      scopes: v.scopes as ApiKeyScope[],
      product_id: v.product_id || null,
      // The key stops at the end of the chosen day, local time.
      expires_at: v.expires_on ? new Date(`${v.expires_on}T23:59:59`).toISOString() : null,
      ip_allowlist: v.ip_allowlist.split(/[\s,]+/).filter(Boolean),
      require_signature: v.require_signature,
    })
    if (!input.success) {
      const issue = input.error.issues[0]
      const field = issue.path[0] === 'ip_allowlist' ? 'ip_allowlist' : 'name'
      setError(field, { message: issue.message })
      return
    }
    const k = await create(input.data)
    if (!k) return
    reset(defaults)
    onOpenChange(false)
    onCreated(k)
  })

  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="New API key"
      description="For your backend (a payment webhook, a store, a CI job). Never ship it inside your app."
      width="max-w-2xl"
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button
            variant="primary"
            type="submit"
            form="create-api-key"
            disabled={formState.isSubmitting}
          >
            Create key
          </Button>
        </>
      }
    >
      <form
        id="create-api-key"
        onSubmit={(e) => void submit(e)}
        className="flex flex-col gap-4"
        noValidate
      >
        <Field
          label="Name"
          error={formState.errors.name?.message}
          hint="Where it is used, e.g. “Stripe webhook”."
        >
          <Input autoFocus {...register('name')} />
        </Field>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-[13px] font-medium text-fg">Scopes</legend>
          <div className="grid grid-cols-1 gap-x-4 gap-y-1.5 sm:grid-cols-2">
            {API_KEY_SCOPES.map((s) => (
              <label key={s} className="flex items-start gap-2 text-sm">
                <Checkbox value={s} {...register('scopes')} className="mt-0.5" />
                <span>
                  <code className="text-[12px]">{s}</code>
                  <span className="block text-xs text-muted">{SCOPE_LABELS[s]}</span>
                </span>
              </label>
            ))}
          </div>
          {formState.errors.scopes && (
            <p role="alert" className="text-xs font-medium text-danger">
              {formState.errors.scopes.message}
            </p>
          )}
        </fieldset>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="Product" hint="Restrict the key to one product's licenses.">
            <Select {...register('product_id')}>
              <option value="">All products</option>
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Expires on" hint="Empty: never.">
            <Input type="date" {...register('expires_on')} />
          </Field>
        </div>
        <Field
          label="IP allow-list"
          error={formState.errors.ip_allowlist?.message}
          hint="Addresses or CIDR blocks, separated by spaces or commas. Empty: any address."
        >
          <Textarea placeholder="203.0.113.7 198.51.100.0/24" {...register('ip_allowlist')} />
        </Field>
        <label className="flex items-start gap-2 text-sm">
          <Checkbox {...register('require_signature')} className="mt-0.5" />
          <span>
            Require signed requests
            <span className="block text-xs text-muted">
              Changes and everything under /api/admin and /api/security must carry X-Timestamp and
              an HMAC-SHA256 X-Signature made with the key&apos;s secret.
            </span>
          </span>
        </label>
      </form>
    </Modal>
  )
}
