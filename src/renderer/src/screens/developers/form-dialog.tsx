import { useEffect } from 'react'
import { useForm } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { z } from 'zod'
import {
  HIREZ_DEFAULT_LIMITS,
  createHirezDeveloperSchema,
  hirezLimitsSchema,
  type CreatedHirezDeveloperDto,
  type HirezDeveloperDto,
  type HirezLimits,
} from '@shared/hirez'
import { useApp } from '../../store'
import { Modal } from '../../components/ui/dialog'
import { Field } from '../../components/ui/field'
import { Checkbox, Input } from '../../components/ui/input'
import { Button } from '../../components/ui/button'

// The same schemas as the server: name and every limit, products as the ticked ids.
const formSchema = z.object({
  name: createHirezDeveloperSchema.shape.name,
  product_ids: z.array(z.string()),
  limits: hirezLimitsSchema,
})
type FormValues = z.infer<typeof formSchema>

const LIMITS: { key: keyof HirezLimits; label: string; hint: string }[] = [
  { key: 'concurrent_sessions', label: 'Concurrent sessions', hint: 'Live sessions at once.' },
  { key: 'daily_sessions', label: 'Daily sessions', hint: 'createsession calls per UTC day.' },
  { key: 'session_minutes', label: 'Session minutes', hint: 'How long a session lives.' },
  { key: 'daily_requests', label: 'Daily requests', hint: 'Signed calls per UTC day.' },
  {
    key: 'license_allotment',
    label: 'Reseller allotment',
    hint: 'Licenses createlicenses may mint in total (0: none).',
  },
]

/**
 * New developer credential, or the edit of one (`editing`): name, product scope (none ticked:
 * every product of the account) and each limit.
 */
export function DeveloperFormDialog({
  open,
  editing,
  onOpenChange,
  onCreated,
}: {
  open: boolean
  editing: HirezDeveloperDto | null
  onOpenChange(o: boolean): void
  onCreated(d: CreatedHirezDeveloperDto): void
}) {
  const create = useApp((s) => s.createDeveloper)
  const update = useApp((s) => s.updateDeveloper)
  const products = useApp((s) => s.products)
  const loadProducts = useApp((s) => s.loadProducts)
  const { register, handleSubmit, reset, formState } = useForm<FormValues>({
    resolver: zodResolver(formSchema),
    defaultValues: { name: '', product_ids: [], limits: { ...HIREZ_DEFAULT_LIMITS } },
  })
  useEffect(() => {
    if (!open) return
    void loadProducts()
    reset(
      editing
        ? { name: editing.name, product_ids: editing.product_ids, limits: editing.limits }
        : { name: '', product_ids: [], limits: { ...HIREZ_DEFAULT_LIMITS } },
    )
  }, [open, editing, loadProducts, reset])

  const submit = handleSubmit(async (v) => {
    if (editing) {
      if (await update(editing.dev_id, v)) onOpenChange(false)
      return
    }
    const d = await create(v)
    if (!d) return
    onOpenChange(false)
    onCreated(d)
  })
  const id = editing ? 'edit-developer' : 'create-developer'

  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title={editing ? `Edit developer ${editing.dev_id}` : 'New developer'}
      description="A devId and auth key for a partner or reseller calling the Hi-Rez-style API at /hirez/."
      width="max-w-2xl"
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" type="submit" form={id} disabled={formState.isSubmitting}>
            {editing ? 'Save' : 'Create developer'}
          </Button>
        </>
      }
    >
      <form id={id} onSubmit={(e) => void submit(e)} className="flex flex-col gap-4" noValidate>
        <Field label="Name" error={formState.errors.name?.message} hint="Who holds it.">
          <Input autoFocus {...register('name')} />
        </Field>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-[13px] font-medium text-fg">Products</legend>
          <p className="text-xs text-muted">
            None ticked: every product of this account. Ticked: only those.
          </p>
          <div className="grid grid-cols-1 gap-x-4 gap-y-1.5 sm:grid-cols-2">
            {products.map((p) => (
              <label key={p.id} className="flex items-center gap-2 text-sm">
                <Checkbox value={p.id} {...register('product_ids')} />
                {p.name}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          {LIMITS.map((l) => (
            <Field
              key={l.key}
              label={l.label}
              hint={l.hint}
              error={formState.errors.limits?.[l.key]?.message}
            >
              <Input
                type="number"
                min={0}
                {...register(`limits.${l.key}`, { valueAsNumber: true })}
              />
            </Field>
          ))}
        </div>
      </form>
    </Modal>
  )
}
