import { useEffect, useState } from 'react'
import { zodResolver } from '@hookform/resolvers/zod'
import { useForm } from 'react-hook-form'
import { securitySettingsSchema, type SecuritySettings } from '@shared/channels/security'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Checkbox, Input, Select } from '../../components/ui/input'

/** Detection thresholds and the webhook target policy, validated with the server's schema. */
function ThresholdsForm({ initial }: { initial: SecuritySettings }) {
  const save = useApp((s) => s.saveSecuritySettings)
  const { register, handleSubmit, formState } = useForm<SecuritySettings>({
    resolver: zodResolver(securitySettingsSchema),
    defaultValues: initial,
  })
  const e = formState.errors
  const num = { valueAsNumber: true } as const
  return (
    <form
      aria-label="Detection settings"
      onSubmit={handleSubmit((v) => void save(v))}
      className="grid gap-4 px-4 py-4 md:grid-cols-3"
    >
      <Field
        label="Brute force: failed keys"
        error={e.brute_force?.max_failures?.message}
        hint="Distinct keys from one IP or HWID"
      >
        <Input inputMode="numeric" {...register('brute_force.max_failures', num)} />
      </Field>
      <Field label="Within (seconds)" error={e.brute_force?.window_seconds?.message}>
        <Input inputMode="numeric" {...register('brute_force.window_seconds', num)} />
      </Field>
      <Field label="Block for (minutes)" error={e.brute_force?.block_minutes?.message}>
        <Input inputMode="numeric" {...register('brute_force.block_minutes', num)} />
      </Field>
      <Field
        label="Spoofing: keys per HWID"
        error={e.hwid_spoof?.max_keys_per_hwid?.message}
        hint="From 3 or more IPs"
      >
        <Input inputMode="numeric" {...register('hwid_spoof.max_keys_per_hwid', num)} />
      </Field>
      <Field
        label="Spoofing: HWIDs per key"
        error={e.hwid_spoof?.max_hwids_per_key?.message}
        hint="From one IP"
      >
        <Input inputMode="numeric" {...register('hwid_spoof.max_hwids_per_key', num)} />
      </Field>
      <Field label="On spoofing" error={e.hwid_spoof?.action?.message}>
        <Select {...register('hwid_spoof.action')}>
          <option value="flag">Record an event</option>
          <option value="block">Record and block the HWID</option>
        </Select>
      </Field>
      <label className="flex items-center gap-2 text-sm md:col-span-2">
        <Checkbox {...register('webhooks.allow_private_for_users')} />
        Let user accounts send webhooks to loopback and private-network addresses
      </label>
      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={formState.isSubmitting}>
          Save settings
        </Button>
      </div>
    </form>
  )
}

export function SecuritySettingsCard() {
  const settings = useApp((s) => s.securitySettings)
  const load = useApp((s) => s.loadSecuritySettings)
  const [open, setOpen] = useState(false)
  useEffect(() => {
    if (open) void load()
  }, [open, load])
  return (
    <Card>
      <CardHeader
        title="Detection settings"
        description="Brute-force and HWID-spoofing thresholds, and who may target private networks with webhooks."
        actions={
          <Button size="sm" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Show'}
          </Button>
        }
      />
      {open &&
        (settings ? (
          <ThresholdsForm initial={settings} />
        ) : (
          <p className="px-4 py-4 text-sm text-muted">Loading…</p>
        ))}
    </Card>
  )
}
