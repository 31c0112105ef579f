import { useEffect } from 'react'
import { useForm } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { z } from 'zod'
import { settingsSchema, type SettingsDto } from '@shared/accounts'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'

const limitsSchema = settingsSchema.pick({
  client_validate_per_minute: true,
  envelope_window_seconds: true,
})
type Limits = z.input<typeof limitsSchema>

function LimitsForm({ settings }: { settings: SettingsDto }) {
  const save = useApp((s) => s.updateInstallation)
  const f = useForm<Limits>({
    resolver: zodResolver(limitsSchema),
    defaultValues: {
      client_validate_per_minute: settings.client_validate_per_minute,
      envelope_window_seconds: settings.envelope_window_seconds,
    },
  })
  const e = f.formState.errors
  return (
    <form
      aria-label="Client API limits"
      noValidate
      className="grid grid-cols-2 gap-3 px-4 py-3"
      onSubmit={(ev) => void f.handleSubmit((v) => save(v))(ev)}
    >
      <Field
        label="Validations per minute per key and IP"
        error={e.client_validate_per_minute?.message}
        hint="For unknown keys, and what new products start with (each product has its own)."
      >
        <Input
          type="number"
          min={1}
          {...f.register('client_validate_per_minute', { valueAsNumber: true })}
        />
      </Field>
      <Field
        label="Encrypted request window (seconds)"
        error={e.envelope_window_seconds?.message}
        hint="How far a request’s timestamp may be from this server’s clock, either way."
      >
        <Input
          type="number"
          min={10}
          {...f.register('envelope_window_seconds', { valueAsNumber: true })}
        />
      </Field>
      <div className="col-span-2 flex justify-end">
        <Button type="submit" size="sm">
          Save
        </Button>
      </div>
    </form>
  )
}

/** Settings → Client API: the limits the apps you ship are held to, for all products. */
export function ClientApiSection() {
  const installation = useApp((s) => s.installation)
  const load = useApp((s) => s.loadAccounts)
  useEffect(() => {
    if (!installation) void load()
  }, [installation, load])
  return (
    <Card>
      <CardHeader title="Client API" description="Limits for the apps you ship, across products." />
      {installation && <LimitsForm settings={installation} />}
    </Card>
  )
}
