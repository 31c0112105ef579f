import { useEffect } from 'react'
import { useForm } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { z } from 'zod'
import type { ProductDto } from '@shared/dto'
import { licenseDefaultsSchema, productPolicySchema, updateProductSchema } from '@shared/schemas'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Field } from '../../components/ui/field'
import { Checkbox, Input, Select, Textarea } from '../../components/ui/input'
import { Button } from '../../components/ui/button'

const asInt = { setValueAs: (v: string) => (v === '' ? undefined : Number(v)) }
const asIntOrNull = { setValueAs: (v: string) => (v === '' ? null : Number(v)) }

function SaveBar({ dirty, busy }: { dirty: boolean; busy: boolean }) {
  return (
    <div className="flex justify-end border-t border-line px-4 py-3">
      <Button type="submit" variant="primary" size="sm" disabled={!dirty || busy}>
        Save changes
      </Button>
    </div>
  )
}

const detailsSchema = updateProductSchema.pick({ name: true, description: true, is_active: true })
type Details = z.infer<typeof detailsSchema>

export function DetailsForm({ product }: { product: ProductDto }) {
  const update = useApp((s) => s.updateProduct)
  const f = useForm<Details>({ resolver: zodResolver(detailsSchema), defaultValues: product })
  useEffect(() => f.reset(product), [product, f])
  return (
    <Card>
      <CardHeader title="Details" />
      <form
        aria-label="Product details"
        noValidate
        onSubmit={f.handleSubmit(async (v) => void (await update(product.id, v)))}
      >
        <div className="flex flex-col gap-4 px-4 py-4">
          <Field label="Name" error={f.formState.errors.name?.message}>
            <Input {...f.register('name')} />
          </Field>
          <Field label="Description" error={f.formState.errors.description?.message}>
            <Textarea {...f.register('description')} />
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <Checkbox {...f.register('is_active')} /> Active (inactive products refuse every
            validation)
          </label>
        </div>
        <SaveBar dirty={f.formState.isDirty} busy={f.formState.isSubmitting} />
      </form>
    </Card>
  )
}

type Defaults = z.infer<typeof licenseDefaultsSchema>

export function DefaultsForm({ product }: { product: ProductDto }) {
  const update = useApp((s) => s.updateProduct)
  const f = useForm<Defaults>({
    resolver: zodResolver(licenseDefaultsSchema),
    defaultValues: product.license_defaults,
  })
  useEffect(() => f.reset(product.license_defaults), [product.license_defaults, f])
  const e = f.formState.errors
  return (
    <Card>
      <CardHeader
        title="Defaults for new licenses"
        description="Used when a license is created without saying otherwise."
      />
      <form
        aria-label="License defaults"
        noValidate
        onSubmit={f.handleSubmit(
          async (v) =>
            void (await update(product.id, { license_defaults: v }, 'License defaults saved')),
        )}
      >
        <div className="grid grid-cols-2 gap-4 px-4 py-4">
          <Field label="Type" error={e.type?.message}>
            <Select {...f.register('type')}>
              <option value="trial">Trial</option>
              <option value="subscription">Subscription</option>
              <option value="lifetime">Lifetime</option>
            </Select>
          </Field>
          <Field
            label="Duration (days)"
            error={e.duration_days?.message}
            hint="Empty: never expires"
          >
            <Input type="number" min={1} {...f.register('duration_days', asIntOrNull)} />
          </Field>
          <Field label="Max machines" error={e.max_uses?.message}>
            <Input type="number" min={1} {...f.register('max_uses', asInt)} />
          </Field>
          <Field label="Level" error={e.level?.message}>
            <Input type="number" min={0} {...f.register('level', asInt)} />
          </Field>
          <label className="col-span-2 flex items-center gap-2 text-sm">
            <Checkbox {...f.register('hwid_locked')} /> Lock keys to the hardware they activate on
            (HWID lock)
          </label>
        </div>
        <SaveBar dirty={f.formState.isDirty} busy={f.formState.isSubmitting} />
      </form>
    </Card>
  )
}

/** The runtime fields this form edits (the seat policy has its own form). */
const runtimePolicySchema = productPolicySchema.pick({
  session_minutes: true,
  validate_per_minute: true,
  vm_policy: true,
  debug_policy: true,
})
type Policy = z.infer<typeof runtimePolicySchema>
const runtimeOf = (p: ProductDto['policy']): Policy => ({
  session_minutes: p.session_minutes,
  validate_per_minute: p.validate_per_minute,
  vm_policy: p.vm_policy,
  debug_policy: p.debug_policy,
})

export function PolicyForm({ product }: { product: ProductDto }) {
  const update = useApp((s) => s.updateProduct)
  const f = useForm<Policy>({
    resolver: zodResolver(runtimePolicySchema),
    defaultValues: runtimeOf(product.policy),
  })
  useEffect(() => f.reset(runtimeOf(product.policy)), [product.policy, f])
  const e = f.formState.errors
  return (
    <Card>
      <CardHeader
        title="Policy"
        description="How the server treats this product's apps at runtime."
      />
      <form
        aria-label="Product policy"
        noValidate
        onSubmit={f.handleSubmit(
          async (v) => void (await update(product.id, { policy: v }, 'Policy saved')),
        )}
      >
        <div className="grid grid-cols-2 gap-4 px-4 py-4">
          <Field label="Session length (minutes)" error={e.session_minutes?.message}>
            <Input type="number" min={1} {...f.register('session_minutes', asInt)} />
          </Field>
          <Field
            label="Validations per minute"
            error={e.validate_per_minute?.message}
            hint="Per license and IP"
          >
            <Input type="number" min={1} {...f.register('validate_per_minute', asInt)} />
          </Field>
          <Field label="Virtual machine detected" error={e.vm_policy?.message}>
            <Select {...f.register('vm_policy')}>
              <option value="ignore">Ignore</option>
              <option value="flag">Flag (log a security event)</option>
              <option value="block">Block</option>
            </Select>
          </Field>
          <Field label="Debugger detected" error={e.debug_policy?.message}>
            <Select {...f.register('debug_policy')}>
              <option value="ignore">Ignore</option>
              <option value="flag">Flag (log a security event)</option>
              <option value="block">Block</option>
            </Select>
          </Field>
        </div>
        <SaveBar dirty={f.formState.isDirty} busy={f.formState.isSubmitting} />
      </form>
    </Card>
  )
}
