import { useEffect, useState } from 'react'
import { Trash2 } from 'lucide-react'
import { injectableInputSchema, INJECTABLE_MODES } from '@shared/domains'
import { useApp } from '../../store'
import { Badge } from '../../components/ui/badge'
import { Button } from '../../components/ui/button'
import { Card, CardHeader } from '../../components/ui/card'
import { Field } from '../../components/ui/field'
import { Checkbox, Input, Select, Textarea } from '../../components/ui/input'

const EMPTY: never[] = []
type Mode = (typeof INJECTABLE_MODES)[number]

/** The stored form's first characters: enough to recognise it, never the plaintext. */
const preview = (content: string) => (content.length > 48 ? `${content.slice(0, 48)}…` : content)

/**
 * Content delivered to licensed runtimes (DevPayr's injectables). It is encrypted with the
 * secret as soon as it is saved; the console shows the stored (encrypted) form only.
 */
export function InjectablesCard({ productId }: { productId: string }) {
  const list = useApp((s) => s.productInjectables[productId] ?? EMPTY)
  const load = useApp((s) => s.loadRuntimeRules)
  const add = useApp((s) => s.addInjectable)
  const toggle = useApp((s) => s.toggleInjectable)
  const remove = useApp((s) => s.deleteInjectable)
  const confirm = useApp((s) => s.confirm)
  const [title, setTitle] = useState('')
  const [mode, setMode] = useState<Mode>('append')
  const [targetPath, setTargetPath] = useState('')
  const [content, setContent] = useState('')
  const [secret, setSecret] = useState('')
  const [onlyIfPaid, setOnlyIfPaid] = useState(false)
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    void load(productId)
  }, [load, productId])

  async function submit() {
    const parsed = injectableInputSchema.safeParse({
      title,
      mode,
      target_path: targetPath || null,
      content,
      secret,
      only_if_paid: onlyIfPaid,
    })
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Invalid injectable')
    setError(undefined)
    if (await add(productId, parsed.data)) {
      setTitle('')
      setTargetPath('')
      setContent('')
      setSecret('')
    }
  }

  return (
    <Card aria-label="Injectables">
      <CardHeader
        title="Injectables"
        description="Snippets and files licensed runtimes receive (has-paid with include=injectables, injectable/stream). Stored encrypted with their secret (AES-256-CBC, HMAC-signed); the plaintext is never shown again."
      />
      <ul className="divide-y divide-line text-sm" aria-label="Injectables list">
        {list.map((i) => (
          <li key={i.id} className="flex flex-col gap-1 px-4 py-2">
            <div className="flex items-center gap-2">
              <span className="font-medium">{i.title}</span>
              <code className="font-mono text-xs text-muted">{i.slug}</code>
              <Badge>{i.mode}</Badge>
              {i.only_if_paid && <Badge tone="accent">only if paid</Badge>}
              {!i.is_active && <Badge>inactive</Badge>}
              <span className="flex-1" />
              <Button
                size="sm"
                variant="ghost"
                onClick={() => void toggle(productId, i.id, !i.is_active)}
              >
                {i.is_active ? 'Disable' : 'Enable'}
              </Button>
              <Button
                size="icon"
                variant="ghost"
                aria-label={`Delete ${i.title}`}
                onClick={async () => {
                  const ok = await confirm({
                    title: `Delete “${i.title}”?`,
                    description: 'Runtimes stop receiving it at their next check.',
                    confirmLabel: 'Delete injectable',
                    destructive: true,
                  })
                  if (ok) await remove(productId, i.id)
                }}
              >
                <Trash2 aria-hidden="true" size={15} />
              </Button>
            </div>
            <div className="text-xs text-muted">
              {i.target_path ? `→ ${i.target_path} · ` : ''}stored:{' '}
              <code className="font-mono" aria-label={`Stored form of ${i.title}`}>
                {preview(i.content)}
              </code>
            </div>
            <div className="text-xs text-muted">
              sha256 <code className="font-mono">{i.content_hash.slice(0, 16)}…</code> · signature{' '}
              <code className="font-mono">{i.signature.slice(0, 16)}…</code>
            </div>
          </li>
        ))}
        {list.length === 0 && <li className="px-4 py-2 text-muted">No injectables yet.</li>}
      </ul>
      <form
        className="grid gap-2 border-t border-line px-4 py-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Field label="Title" error={error} className="flex flex-col gap-1">
          <Input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="Licence banner"
          />
        </Field>
        <Field label="Target path" className="flex flex-col gap-1">
          <Input
            value={targetPath}
            onChange={(e) => setTargetPath(e.target.value)}
            placeholder="resources/views/partials/banner.php"
          />
        </Field>
        <Field label="Content" className="flex flex-col gap-1 sm:col-span-2">
          <Textarea rows={3} value={content} onChange={(e) => setContent(e.target.value)} />
        </Field>
        <Field
          label="Secret"
          hint="At least 8 characters; your SDK holds the same."
          className="flex flex-col gap-1"
        >
          <Input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </Field>
        <Field label="Mode" className="flex flex-col gap-1">
          <Select value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            {INJECTABLE_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </Select>
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <Checkbox checked={onlyIfPaid} onChange={(e) => setOnlyIfPaid(e.target.checked)} />
          Only while the product is paid
        </label>
        <div className="flex justify-end">
          <Button type="submit" variant="primary">
            Encrypt and save
          </Button>
        </div>
      </form>
    </Card>
  )
}
