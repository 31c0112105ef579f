import { useEffect, useState } from 'react'
import { Eye, EyeOff, RefreshCw } from 'lucide-react'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { Card, CardHeader } from '../../components/ui/card'
import { CopyButton } from '../../components/ui/copy'
import { SkeletonRows } from '../../components/ui/skeleton'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'

function SecretRow({ label, value, hint }: { label: string; value: string; hint: string }) {
  const [reveal, setReveal] = useState(false)
  return (
    <div className="flex flex-col gap-1 px-4 py-3">
      <span className="text-[13px] font-medium">{label}</span>
      <div className="flex items-center gap-2">
        <code
          aria-label={reveal ? label : `${label} (hidden)`}
          className="min-w-0 flex-1 truncate rounded-md bg-surface-2 px-3 py-2 font-mono text-[13px]"
        >
          {reveal ? value : `${value.slice(0, 4)}${'•'.repeat(28)}`}
        </code>
        <Button
          size="icon"
          variant="ghost"
          aria-label={reveal ? `Hide ${label}` : `Reveal ${label}`}
          aria-pressed={reveal}
          onClick={() => setReveal(!reveal)}
        >
          {reveal ? <EyeOff aria-hidden="true" size={15} /> : <Eye aria-hidden="true" size={15} />}
        </Button>
        <CopyButton value={value} label={label} />
      </div>
      <p className="text-xs text-muted">{hint}</p>
    </div>
  )
}

/** The SellRealm auth_secret and store_secret: masked, revealable, copyable, regenerable. */
export function SecretsPanel() {
  const secrets = useApp((s) => s.secrets)
  const load = useApp((s) => s.loadSecrets)
  const regenerate = useApp((s) => s.regenerateSecrets)
  const confirm = useApp((s) => s.confirm)
  const server = useApp((s) => s.server)
  useEffect(() => {
    void load()
  }, [load])
  const base = server?.url ?? 'http://127.0.0.1:47293'
  return (
    <Card className="max-w-3xl">
      <CardHeader
        title="SellRealm API secrets"
        description={`Apps built for SellRealm use these against ${base}/api/v0/ (License API) and ${base}/api/v1/ (Store API).`}
        actions={
          <Button
            size="sm"
            variant="danger"
            onClick={async () => {
              const ok = await confirm({
                title: 'Regenerate both secrets?',
                description:
                  'The current auth_secret and store_secret stop working at once: every shipped app that logs in with the old auth_secret, and every backend calling the Store API with the old store_secret, is refused until it gets the new one. Apps using encrypted parameters must encrypt with the new auth_secret.',
                confirmLabel: 'Regenerate secrets',
                destructive: true,
              })
              if (ok) await regenerate()
            }}
          >
            <RefreshCw aria-hidden="true" size={14} /> Regenerate
          </Button>
        }
      />
      {!secrets ? (
        <SkeletonRows rows={2} />
      ) : (
        <div className="divide-y divide-line">
          <SecretRow
            label="auth_secret"
            value={secrets.auth_secret}
            hint="License API v0: key verification, sessions, HWID operations. Shipped inside your app."
          />
          <SecretRow
            label="store_secret"
            value={secrets.store_secret}
            hint="Store API v1: products, orders, customers (Authorization: Bearer …). Keep it on your backend."
          />
        </div>
      )}
    </Card>
  )
}

/** The License API's per-IP request limit and `timestamp` window. */
export function SellRealmSettings() {
  const cfg = useApp((s) => s.sellRealmConfig)
  const load = useApp((s) => s.loadSellRealmConfig)
  // The limits are the installation's: its admins set them.
  const isAdmin = useApp((s) => s.isAdmin)
  useEffect(() => {
    void load()
  }, [load])
  if (!isAdmin) return null
  return (
    <Card className="max-w-3xl">
      <CardHeader title="License API limits" description="Applies to POST /api/v0/ at once." />
      {!cfg ? <SkeletonRows rows={2} /> : <SettingsForm key={JSON.stringify(cfg)} initial={cfg} />}
    </Card>
  )
}

function SettingsForm({
  initial,
}: {
  initial: { rate_limit_per_minute: number; timestamp_window_seconds: number }
}) {
  const save = useApp((s) => s.saveSellRealmConfig)
  const [rate, setRate] = useState(String(initial.rate_limit_per_minute))
  const [skew, setSkew] = useState(String(initial.timestamp_window_seconds))
  const [error, setError] = useState<string | undefined>()
  return (
    <form
      className="flex flex-wrap items-end gap-3 px-4 py-3"
      onSubmit={async (e) => {
        e.preventDefault()
        const r = Number(rate)
        const w = Number(skew)
        if (!Number.isInteger(r) || r < 1 || r > 1_000_000)
          return setError('Requests per minute: 1 to 1,000,000')
        if (!Number.isInteger(w) || w < 1 || w > 86_400)
          return setError('Timestamp window: 1 to 86,400 seconds')
        setError(undefined)
        await save({ rate_limit_per_minute: r, timestamp_window_seconds: w })
      }}
    >
      <Field label="Requests per minute per IP" error={error} className="flex w-56 flex-col gap-1">
        <Input inputMode="numeric" value={rate} onChange={(e) => setRate(e.target.value)} />
      </Field>
      <Field label="Timestamp window (seconds)" className="flex w-56 flex-col gap-1">
        <Input inputMode="numeric" value={skew} onChange={(e) => setSkew(e.target.value)} />
      </Field>
      <Button type="submit" variant="primary">
        Save
      </Button>
    </form>
  )
}
