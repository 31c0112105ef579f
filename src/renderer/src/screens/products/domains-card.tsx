import { useEffect, useState } from 'react'
import { Star, Trash2 } from 'lucide-react'
import { domainInputSchema, ENVIRONMENT_NAMES, type EnvironmentName } from '@shared/domains'
import { useApp } from '../../store'
import { Badge } from '../../components/ui/badge'
import { Button } from '../../components/ui/button'
import { Card, CardHeader } from '../../components/ui/card'
import { Field } from '../../components/ui/field'
import { Input, Select } from '../../components/ui/input'

const EMPTY: never[] = []

/**
 * Where this product's licenses may run (DevPayr's domains): exact identifiers or
 * `*.example.com`, each in an environment. With no active rule, any identifier may run; a test
 * license never runs on a production domain, nor the reverse.
 */
export function DomainsCard({ productId }: { productId: string }) {
  const domains = useApp((s) => s.productDomains[productId] ?? EMPTY)
  const load = useApp((s) => s.loadRuntimeRules)
  const add = useApp((s) => s.addDomain)
  const update = useApp((s) => s.updateDomain)
  const remove = useApp((s) => s.deleteDomain)
  const confirm = useApp((s) => s.confirm)
  const [domain, setDomain] = useState('')
  const [environment, setEnvironment] = useState<EnvironmentName>('production')
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    void load(productId)
  }, [load, productId])

  async function submit() {
    const parsed = domainInputSchema.safeParse({ domain, environment })
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Invalid domain')
    setError(undefined)
    if (await add(productId, parsed.data)) setDomain('')
  }

  return (
    <Card aria-label="Domains">
      <CardHeader
        title="Domains and environments"
        description="Runtime identifiers this product's licenses may run on (X-Devpayr-Domain). Exact names or *.example.com for every subdomain. None: any identifier may run."
      />
      <ul className="divide-y divide-line text-sm" aria-label="Domain rules">
        {domains.map((d) => (
          <li key={d.id} className="flex items-center gap-2 px-4 py-2">
            <code className="min-w-0 flex-1 truncate font-mono text-[13px]">{d.domain}</code>
            {d.is_primary && <Badge tone="accent">primary</Badge>}
            <Badge tone={d.environment === 'production' ? 'ok' : 'warn'}>{d.environment}</Badge>
            {!d.is_active && <Badge>inactive</Badge>}
            <Button
              size="icon"
              variant="ghost"
              aria-label={`Make ${d.domain} primary`}
              aria-pressed={d.is_primary}
              onClick={() => void update(productId, d.id, { is_primary: true })}
            >
              <Star aria-hidden="true" size={15} />
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => void update(productId, d.id, { is_active: !d.is_active })}
            >
              {d.is_active ? 'Disable' : 'Enable'}
            </Button>
            <Button
              size="icon"
              variant="ghost"
              aria-label={`Remove ${d.domain}`}
              onClick={async () => {
                const ok = await confirm({
                  title: `Remove ${d.domain}?`,
                  description:
                    'Licenses stop running on identifiers only this rule admitted (if other rules remain).',
                  confirmLabel: 'Remove domain',
                  destructive: true,
                })
                if (ok) await remove(productId, d.id)
              }}
            >
              <Trash2 aria-hidden="true" size={15} />
            </Button>
          </li>
        ))}
        {domains.length === 0 && (
          <li className="px-4 py-2 text-muted">No domain rules: any identifier may run.</li>
        )}
      </ul>
      <form
        className="flex flex-wrap items-end gap-2 border-t border-line px-4 py-3"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Field label="Domain" error={error} className="flex min-w-48 flex-1 flex-col gap-1">
          <Input
            value={domain}
            onChange={(e) => setDomain(e.target.value)}
            placeholder="*.example.com"
          />
        </Field>
        <Field label="Environment" className="flex w-36 flex-col gap-1">
          <Select
            value={environment}
            onChange={(e) => setEnvironment(e.target.value as EnvironmentName)}
          >
            {ENVIRONMENT_NAMES.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary">
          Add domain
        </Button>
      </form>
    </Card>
  )
}
