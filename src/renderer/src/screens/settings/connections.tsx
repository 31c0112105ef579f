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

const connectionsSchema = settingsSchema.pick({
  http_request_timeout_seconds: true,
  http_headers_timeout_seconds: true,
  http_keep_alive_timeout_seconds: true,
  http_max_connections: true,
  http_max_requests_per_connection: true,
})
type Connections = z.input<typeof connectionsSchema>
type Key = keyof Connections

/** Each limit's label and what it does, in the order the form shows them. */
const FIELDS: { key: Key; label: string; hint: string; min: number }[] = [
  {
    key: 'http_request_timeout_seconds',
    label: 'Request timeout (seconds)',
    hint: 'A request must arrive whole within this time (408 otherwise).',
    min: 1,
  },
  {
    key: 'http_headers_timeout_seconds',
    label: 'Headers timeout (seconds)',
    hint: 'A client that trickles its headers is cut off after this.',
    min: 1,
  },
  {
    key: 'http_keep_alive_timeout_seconds',
    label: 'Keep-alive timeout (seconds)',
    hint: 'An idle connection is closed after this.',
    min: 1,
  },
  {
    key: 'http_max_connections',
    label: 'Open connections at most',
    hint: 'Connections past this are closed at once.',
    min: 1,
  },
  {
    key: 'http_max_requests_per_connection',
    label: 'Requests per connection (0: no limit)',
    hint: 'Keep 0 unless a proxy needs it: keep-alive clients get 503 past a limit.',
    min: 0,
  },
]

function ConnectionsForm({ settings }: { settings: SettingsDto }) {
  const save = useApp((s) => s.updateInstallation)
  const f = useForm<Connections>({
    resolver: zodResolver(connectionsSchema),
    defaultValues: Object.fromEntries(FIELDS.map(({ key }) => [key, settings[key]])),
  })
  const e = f.formState.errors
  return (
    <form
      aria-label="Connection limits"
      noValidate
      className="grid grid-cols-2 gap-3 px-4 py-3"
      onSubmit={(ev) => void f.handleSubmit((v) => save(v))(ev)}
    >
      {FIELDS.map(({ key, label, hint, min }) => (
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

/** Settings → Connections: how long slow clients may take and how many may be connected. */
export function ConnectionsSection() {
  const installation = useApp((s) => s.installation)
  const load = useApp((s) => s.loadAccounts)
  useEffect(() => {
    if (!installation) void load()
  }, [installation, load])
  return (
    <Card>
      <CardHeader
        title="Connections"
        description="Timeouts and limits for every client; changes apply to new connections at once."
      />
      {installation && <ConnectionsForm settings={installation} />}
    </Card>
  )
}
