import { useEffect } from 'react'
import { useForm } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { z } from 'zod'
import { Save } from 'lucide-react'
import type { LicenseDto } from '@shared/dto'
import { updateLicenseSchema, type UpdateLicenseInput } from '@shared/schemas'
import { useApp } from '../../store'
import { Field } from '../../components/ui/field'
import { Input, Textarea } from '../../components/ui/input'
import { Button } from '../../components/ui/button'

/**
 * The form's text fields, turned into an update and validated by the management API's own
 * update schema (updateLicenseSchema): the drawer accepts exactly what PUT /api/licenses/:id does.
 */
const editFormSchema = z
  .object({
    max_uses: z.string(),
    expires_at: z.string(),
    customer_email: z.string(),
    notes: z.string(),
    metadata: z.string(),
  })
  .transform((v, ctx): z.input<typeof updateLicenseSchema> => {
    let metadata: Record<string, unknown> = {}
    if (v.metadata.trim()) {
      try {
        metadata = JSON.parse(v.metadata) as Record<string, unknown>
      } catch {
        ctx.addIssue({ code: 'custom', path: ['metadata'], message: 'Metadata is not valid JSON' })
        return z.NEVER
      }
    }
    return {
      max_uses: v.max_uses.trim() === '' ? Number.NaN : Number(v.max_uses),
      expires_at: v.expires_at ? new Date(`${v.expires_at}T23:59:59.000Z`).toISOString() : null,
      customer_email: v.customer_email.trim() ? v.customer_email.trim() : null,
      notes: v.notes,
      metadata,
    }
  })
  .pipe(updateLicenseSchema)

type EditForm = z.input<typeof editFormSchema>

function formOf(l: LicenseDto): EditForm {
  return {
    max_uses: String(l.max_uses),
    expires_at: l.expires_at ? l.expires_at.slice(0, 10) : '',
    customer_email: l.customer_email ?? '',
    notes: l.notes,
    metadata: Object.keys(l.metadata).length ? JSON.stringify(l.metadata, null, 2) : '',
  }
}

/** Edits max machines, expiry, customer, notes and metadata through licenses.update. */
export function EditSection({ l }: { l: LicenseDto }) {
  const update = useApp((s) => s.updateLicense)
  const f = useForm<EditForm, unknown, UpdateLicenseInput>({
    resolver: zodResolver(editFormSchema),
    defaultValues: formOf(l),
  })
  useEffect(() => f.reset(formOf(l)), [l, f])
  const e = f.formState.errors
  const dirty = f.formState.dirtyFields
  return (
    <section aria-labelledby="lic-edit">
      <h3 id="lic-edit" className="mb-2 text-sm font-semibold">
        Edit
      </h3>
      <form
        aria-label="Edit license"
        noValidate
        className="grid grid-cols-2 gap-3"
        onSubmit={f.handleSubmit(async (patch) => {
          // Only what was changed: an untouched expiry is no extension (and no event).
          const changed = Object.fromEntries(
            Object.entries(patch).filter(([k]) => dirty[k as keyof EditForm]),
          ) as UpdateLicenseInput
          if (Object.keys(changed).length === 0) return
          await update(l.id, changed, 'License saved')
        })}
      >
        <Field label="Max machines" error={e.max_uses?.message}>
          <Input type="number" min={1} inputMode="numeric" {...f.register('max_uses')} />
        </Field>
        <Field label="Expires on" hint="Empty: never expires." error={e.expires_at?.message}>
          <Input type="date" {...f.register('expires_at')} />
        </Field>
        <Field
          label="Customer email"
          className="col-span-2 flex flex-col gap-1.5"
          hint="The customer is found or created by email; empty: no customer."
          error={e.customer_email?.message}
        >
          <Input type="email" autoComplete="off" {...f.register('customer_email')} />
        </Field>
        <Field label="Notes" className="col-span-2 flex flex-col gap-1.5" error={e.notes?.message}>
          <Textarea rows={2} {...f.register('notes')} />
        </Field>
        <Field
          label="Metadata (JSON object)"
          className="col-span-2 flex flex-col gap-1.5"
          error={e.metadata?.message}
        >
          <Textarea rows={3} className="font-mono text-xs" {...f.register('metadata')} />
        </Field>
        <div className="col-span-2 flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={() => f.reset(formOf(l))}>
            Undo changes
          </Button>
          <Button type="submit" variant="primary" disabled={f.formState.isSubmitting}>
            <Save aria-hidden="true" size={14} /> Save changes
          </Button>
        </div>
      </form>
    </section>
  )
}
