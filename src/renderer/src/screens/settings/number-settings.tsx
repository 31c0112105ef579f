import { useEffect } from 'react'
import { useForm, type Resolver } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { settingsSchema, type SettingsDto } from '@shared/accounts'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'

/** The installation settings that are whole numbers (the ones these cards edit). */
export type NumberSetting = {
  [K in keyof SettingsDto]: SettingsDto[K] extends number ? K : never
}[keyof SettingsDto]

type Values = Partial<Record<NumberSetting, number>>

export interface NumberField {
  key: NumberSetting
  label: string
  hint: string
  min: number
}

/** A form of number settings, validated by the shared settings schema, saved in one call. */
function NumberSettingsForm({
  formLabel,
  fields,
  settings,
}: {
  formLabel: string
  fields: NumberField[]
  settings: SettingsDto
}) {
  const save = useApp((s) => s.updateInstallation)
  const schema = settingsSchema.pick(
    Object.fromEntries(fields.map(({ key }) => [key, true])) as Record<NumberSetting, true>,
  )
  // The schema picks exactly these fields; TypeScript sees only "some number settings".
  const f = useForm<Values>({
    resolver: zodResolver(schema) as unknown as Resolver<Values>,
    defaultValues: Object.fromEntries(fields.map(({ key }) => [key, settings[key]])),
  })
  const e = f.formState.errors
  return (
    <form
      aria-label={formLabel}
      noValidate
      className="grid grid-cols-2 gap-3 px-4 py-3"
      onSubmit={(ev) => void f.handleSubmit((v) => save(v))(ev)}
    >
      {fields.map(({ key, label, hint, min }) => (
        <Field key={key} label={label} error={e[key]?.message} hint={hint}>
          <Input type="number" min={min} {...f.register(key, { valueAsNumber: true })} />
        </Field>
      ))}
      <div className="col-span-2 flex justify-end">
        <Button type="submit" size="sm">
          Save
        </Button>
      </div>
    </form>
  )
}

/** A Settings card editing some of the installation's number settings. */
export function NumberSettingsCard({
  title,
  description,
  formLabel,
  fields,
}: {
  title: string
  description: string
  formLabel: string
  fields: NumberField[]
}) {
  const installation = useApp((s) => s.installation)
  const load = useApp((s) => s.loadAccounts)
  useEffect(() => {
    if (!installation) void load()
  }, [installation, load])
  return (
    <Card>
      <CardHeader title={title} description={description} />
      {installation && (
        <NumberSettingsForm formLabel={formLabel} fields={fields} settings={installation} />
      )}
    </Card>
  )
}
