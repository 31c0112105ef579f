import { useEffect, useState, type FormEvent } from 'react'
import { Check, X } from 'lucide-react'
import { integrationSnippets, type SnippetLanguage } from '@shared/snippets'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'
import { CopyButton } from '../../components/ui/copy'

const LANGUAGES: { id: SnippetLanguage; label: string }[] = [
  { id: 'curl', label: 'curl' },
  { id: 'node', label: 'Node' },
  { id: 'python', label: 'Python' },
]

function OwnerStep() {
  const create = useApp((s) => s.createOwner)
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void create(email, password)
  }
  return (
    <form aria-label="Owner account" onSubmit={submit} className="flex flex-wrap items-end gap-3">
      <Field label="Owner email">
        <Input
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="username"
        />
      </Field>
      <Field label="Owner password" hint="At least 8 characters; the setup token stops working.">
        <Input
          type="password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
        />
      </Field>
      <Button type="submit" variant="primary">
        Create owner account
      </Button>
    </form>
  )
}

function ProductStep() {
  const create = useApp((s) => s.onboardProduct)
  const [name, setName] = useState('')
  return (
    <form
      aria-label="First product"
      onSubmit={(e) => {
        e.preventDefault()
        void create(name.trim())
      }}
      className="flex flex-wrap items-end gap-3"
    >
      <Field label="Product name" hint="The app you license, e.g. “My Editor”.">
        <Input required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Button type="submit" variant="primary" disabled={!name.trim()}>
        Create product
      </Button>
    </form>
  )
}

function SnippetStep() {
  const product = useApp((s) => s.onboardingProduct)!
  const key = useApp((s) => s.onboardingKey)!
  const server = useApp((s) => s.server)
  const [lang, setLang] = useState<SnippetLanguage>('curl')
  const code = integrationSnippets({
    baseUrl: server?.url ?? location.origin,
    productId: product.id,
    licenseKey: key.license_key,
    publicKey: server?.public_key ?? null,
  })[lang]
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm">
        Key <span className="font-mono">{key.license_key}</span> for <strong>{product.name}</strong>{' '}
        (product id <span className="font-mono text-[12px]">{product.id}</span>). Run this from your
        app to activate it:
      </p>
      <div className="flex items-center justify-between gap-2">
        <div role="tablist" aria-label="Snippet language" className="flex gap-1">
          {LANGUAGES.map((l) => (
            <Button
              key={l.id}
              size="sm"
              role="tab"
              aria-selected={lang === l.id}
              variant={lang === l.id ? 'primary' : 'ghost'}
              onClick={() => setLang(l.id)}
            >
              {l.label}
            </Button>
          ))}
        </div>
        <CopyButton value={code} label={`${LANGUAGES.find((l) => l.id === lang)!.label} snippet`} />
      </div>
      <pre
        aria-label="Integration snippet"
        tabIndex={0}
        className="max-h-64 overflow-auto rounded-md bg-surface-2 p-3 font-mono text-[12px]"
      >
        {code}
      </pre>
    </div>
  )
}

/**
 * The first launch's walk, on the empty dashboard: create the owner account (when signed in
 * with the setup token and no account exists), a product, a key, then copy a ready snippet.
 * Dismissible; it goes away by itself once products and licenses exist and the walk is over.
 */
export function OnboardingCard() {
  const d = useApp((s) => s.dashboard)
  const hasOwner = useApp((s) => s.hasOwner)
  const product = useApp((s) => s.onboardingProduct)
  const key = useApp((s) => s.onboardingKey)
  const dismissed = useApp((s) => s.onboardingDismissed)
  const dismiss = useApp((s) => s.dismissOnboarding)
  const issue = useApp((s) => s.onboardKey)
  const load = useApp((s) => s.loadOnboarding)
  useEffect(() => void load(), [load])

  const empty = d !== null && (d.totals.products === 0 || d.totals.licenses === 0)
  if (dismissed || hasOwner === null || (!empty && !product)) return null
  const steps = [
    { title: 'Create the owner account', done: hasOwner },
    { title: 'Create a product', done: product !== null },
    { title: 'Issue a license key', done: key !== null },
    { title: 'Copy the integration snippet', done: false },
  ]
  const current = steps.findIndex((s) => !s.done)

  return (
    <Card aria-label="Getting started" className="mb-4">
      <CardHeader
        title="Getting started"
        description="Four steps from an empty server to an app that checks its license."
        actions={
          <Button
            size="icon"
            variant="ghost"
            aria-label="Dismiss getting started"
            onClick={dismiss}
          >
            <X aria-hidden="true" size={16} />
          </Button>
        }
      />
      <ol className="flex flex-col gap-3 px-4 py-3">
        {steps.map((s, i) => (
          <li key={s.title} aria-current={i === current ? 'step' : undefined}>
            <div className="flex items-center gap-2 text-sm font-medium">
              <span
                aria-hidden="true"
                className={`flex size-5 items-center justify-center rounded-full text-xs ${s.done ? 'bg-ok-soft text-ok' : i === current ? 'bg-accent text-accent-fg' : 'bg-surface-2 text-muted'}`}
              >
                {s.done ? <Check size={12} /> : i + 1}
              </span>
              {s.title}
              {s.done && <span className="sr-only">(done)</span>}
            </div>
            {i === current && (
              <div className="mt-2 ml-7">
                {i === 0 && <OwnerStep />}
                {i === 1 && <ProductStep />}
                {i === 2 && (
                  <Button variant="primary" onClick={() => void issue()}>
                    Issue a key for {product?.name}
                  </Button>
                )}
                {i === 3 && (
                  <div className="flex flex-col gap-3">
                    <SnippetStep />
                    <div>
                      <Button onClick={dismiss}>Done</Button>
                    </div>
                  </div>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
    </Card>
  )
}
