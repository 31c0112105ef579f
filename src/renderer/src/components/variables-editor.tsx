import { useCallback, useEffect, useState } from 'react'
import { Download, Trash2 } from 'lucide-react'
import {
  MAX_VARIABLE_FILE_BYTES,
  upsertVariableSchema,
  type VariableDto,
  type VariableScope,
} from '@shared/channels/variables'
import { useApp } from '../store'
import { Button } from './ui/button'
import { Card, CardHeader } from './ui/card'
import { Field } from './ui/field'
import { Input, Select } from './ui/input'
import { fmtBytes } from '../lib/format'

type Kind = 'string' | 'boolean' | 'file'

function fileToBase64(f: File): Promise<string> {
  return f.arrayBuffer().then((buf) => {
    let bin = ''
    const bytes = new Uint8Array(buf)
    for (let i = 0; i < bytes.length; i += 0x8000)
      bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
    return btoa(bin)
  })
}

/**
 * Variables a licensed app receives on login: strings, booleans and small files. On a product
 * they reach every key; on a license they override the product's of the same name.
 */
export function VariablesEditor({ scope, title }: { scope: VariableScope; title?: string }) {
  const list = useApp((s) => s.listVariables)
  const save = useApp((s) => s.saveVariable)
  const remove = useApp((s) => s.deleteVariable)
  const fetchFile = useApp((s) => s.variableFile)
  const confirm = useApp((s) => s.confirm)
  const [vars, setVars] = useState<VariableDto[] | null>(null)
  const [name, setName] = useState('')
  const [kind, setKind] = useState<Kind>('string')
  const [value, setValue] = useState('')
  const [flag, setFlag] = useState(true)
  const [file, setFile] = useState<File | null>(null)
  const [error, setError] = useState<string | undefined>()
  const scopeKey = JSON.stringify(scope)

  const reload = useCallback(async () => {
    setVars((await list(JSON.parse(scopeKey) as VariableScope)) ?? [])
  }, [list, scopeKey])
  useEffect(() => {
    let live = true
    void list(JSON.parse(scopeKey) as VariableScope).then((v) => {
      if (live) setVars(v ?? [])
    })
    return () => {
      live = false
    }
  }, [list, scopeKey])

  async function add() {
    let input: unknown = { name, type: kind, value: kind === 'boolean' ? flag : value }
    if (kind === 'file') {
      if (!file) return setError('Pick a file')
      if (file.size > MAX_VARIABLE_FILE_BYTES)
        return setError(`The file is larger than ${MAX_VARIABLE_FILE_BYTES / 1024} KiB`)
      input = { name, type: 'file', file_name: file.name, data: await fileToBase64(file) }
    }
    const parsed = upsertVariableSchema.safeParse(input)
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Invalid variable')
    setError(undefined)
    if (await save(scope, parsed.data)) {
      setName('')
      setValue('')
      setFile(null)
      await reload()
    }
  }

  const scopeWord =
    'license_id' in scope
      ? 'this license (overrides the product’s of the same name)'
      : 'every key of this product'
  return (
    <Card aria-label={title ?? 'Variables'}>
      <CardHeader
        title={title ?? 'Variables'}
        description={`Returned on login to ${scopeWord}. Files up to ${MAX_VARIABLE_FILE_BYTES / 1024} KiB.`}
      />
      <ul className="divide-y divide-line text-sm" aria-label="Variables">
        {vars?.map((v) => (
          <li key={v.id} className="flex items-center gap-2 px-4 py-2">
            <code className="font-mono text-[13px] font-medium">{v.name}</code>
            <span className="text-xs text-muted">{v.type}</span>
            <span className="min-w-0 flex-1 truncate">
              {v.type === 'file'
                ? `${v.file?.name} (${fmtBytes(v.file?.size ?? 0)})`
                : String(v.value)}
            </span>
            {v.type === 'file' && (
              <Button
                size="icon"
                variant="ghost"
                aria-label={`Download ${v.name}`}
                onClick={async () => {
                  const f = await fetchFile(scope, v.name)
                  if (!f) return
                  const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))
                  const url = URL.createObjectURL(new Blob([bytes]))
                  const a = document.createElement('a')
                  a.href = url
                  a.download = f.name
                  a.click()
                  setTimeout(() => URL.revokeObjectURL(url), 1000)
                }}
              >
                <Download aria-hidden="true" size={15} />
              </Button>
            )}
            <Button
              size="icon"
              variant="ghost"
              aria-label={`Delete ${v.name}`}
              onClick={async () => {
                const ok = await confirm({
                  title: `Delete variable “${v.name}”?`,
                  description: 'Apps stop receiving it at their next login.',
                  confirmLabel: 'Delete variable',
                  destructive: true,
                })
                if (ok && (await remove(scope, v.name))) await reload()
              }}
            >
              <Trash2 aria-hidden="true" size={15} />
            </Button>
          </li>
        ))}
        {vars?.length === 0 && <li className="px-4 py-2 text-muted">No variables yet.</li>}
      </ul>
      <form
        className="flex flex-wrap items-end gap-2 border-t border-line px-4 py-3"
        onSubmit={(e) => {
          e.preventDefault()
          void add()
        }}
      >
        <Field label="Name" error={error} className="flex w-44 flex-col gap-1">
          <Input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="api_endpoint"
          />
        </Field>
        <Field label="Type" className="flex w-28 flex-col gap-1">
          <Select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="string">string</option>
            <option value="boolean">boolean</option>
            <option value="file">file</option>
          </Select>
        </Field>
        {kind === 'string' && (
          <Field label="Value" className="flex min-w-48 flex-1 flex-col gap-1">
            <Input value={value} onChange={(e) => setValue(e.target.value)} />
          </Field>
        )}
        {kind === 'boolean' && (
          <Field label="Value" className="flex w-28 flex-col gap-1">
            <Select value={String(flag)} onChange={(e) => setFlag(e.target.value === 'true')}>
              <option value="true">true</option>
              <option value="false">false</option>
            </Select>
          </Field>
        )}
        {kind === 'file' && (
          <Field label="File" className="flex min-w-48 flex-1 flex-col gap-1">
            <Input
              type="file"
              className="py-1.5"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Field>
        )}
        <Button type="submit" variant="primary">
          Save variable
        </Button>
      </form>
    </Card>
  )
}
