import { useState } from 'react'
import { Ban, Cpu } from 'lucide-react'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'

function BlockForm(props: {
  kind: 'ip' | 'hwid'
  label: string
  placeholder: string
  defaultHours: number
  submit(value: string, reason: string, hours: number): Promise<boolean>
}) {
  const [value, setValue] = useState('')
  const [reason, setReason] = useState('')
  const [hours, setHours] = useState(String(props.defaultHours))
  const [busy, setBusy] = useState(false)
  const h = Number(hours)
  const hoursError =
    Number.isInteger(h) && h >= 1 && h <= 87_600 ? undefined : 'Whole hours, 1 to 87,600'
  return (
    <form
      aria-label={`Block ${props.kind === 'ip' ? 'an IP' : 'a HWID'}`}
      className="grid gap-3 sm:grid-cols-[2fr_2fr_1fr_auto] sm:items-end"
      onSubmit={async (e) => {
        e.preventDefault()
        if (!value.trim() || hoursError) return
        setBusy(true)
        const ok = await props.submit(value.trim(), reason.trim(), h)
        setBusy(false)
        if (ok) {
          setValue('')
          setReason('')
        }
      }}
    >
      <Field label={props.label}>
        <Input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder={props.placeholder}
          required
        />
      </Field>
      <Field label="Reason">
        <Input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="Optional"
          maxLength={500}
        />
      </Field>
      <Field label="Hours" error={hoursError}>
        <Input value={hours} onChange={(e) => setHours(e.target.value)} inputMode="numeric" />
      </Field>
      <Button
        type="submit"
        variant="danger"
        disabled={busy || !value.trim() || Boolean(hoursError)}
      >
        {props.kind === 'ip' ? (
          <Ban aria-hidden="true" size={14} />
        ) : (
          <Cpu aria-hidden="true" size={14} />
        )}
        Block
      </Button>
    </form>
  )
}

/** One-call blocks: an IP for 24 h, a HWID for 30 days, by default. */
export function QuickActions() {
  const blockIp = useApp((s) => s.blockIp)
  const blockHwid = useApp((s) => s.blockHwid)
  return (
    <Card>
      <CardHeader
        title="Quick block"
        description="Blocks apply to the client APIs only; your own console and management API keep working."
      />
      <div className="flex flex-col gap-4 px-4 py-4">
        <BlockForm
          kind="ip"
          label="IP address or CIDR"
          placeholder="192.168.1.100"
          defaultHours={24}
          submit={blockIp}
        />
        <BlockForm
          kind="hwid"
          label="HWID"
          placeholder="abc123def456…"
          defaultHours={720}
          submit={blockHwid}
        />
      </div>
    </Card>
  )
}
