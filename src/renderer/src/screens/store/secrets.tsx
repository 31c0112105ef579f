import { useEffect, useState } from 'react'
import { Eye, EyeOff, RefreshCw } from 'lucide-react'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { Card, CardHeader } from '../../components/ui/card'
import { CopyButton } from '../../components/ui/copy'
import { SkeletonRows } from '../../components/ui/skeleton'

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
