import { useEffect } from 'react'
import { useForm } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { Scissors } from 'lucide-react'
import type { LicenseDto } from '@shared/dto'
import { policyOverrideSchema, type PolicyOverride } from '@shared/policy'
import { useApp } from '../../store'
import { Field } from '../../components/ui/field'
import { Input, Select } from '../../components/ui/input'
import { Button } from '../../components/ui/button'
import { Badge } from '../../components/ui/badge'
import { DEAD_MACHINE_LABELS, fmtSeconds } from '../products/seat-policy-form'

/** "2 / 2 seats" (and the overage allowance when there is one), or null when node-locked. */
export function seatsText(l: LicenseDto): string | null {
  if (!l.seats) return null
  const { in_use, seats, allowance } = l.seats
  return `${in_use} / ${seats} seats${allowance > seats ? ` (up to ${allowance} with overage)` : ''}`
}

const orUndefined = { setValueAs: (v: string) => (v === '' ? undefined : v) }
const numOrUndefined = { setValueAs: (v: string) => (v === '' ? undefined : Number(v)) }

/** Only the fields the form set: an empty form is no override (the product's policy). */
function compact(v: PolicyOverride): PolicyOverride | null {
  const out = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined))
  return Object.keys(out).length ? (out as PolicyOverride) : null
}

/** The license's seats in use (live) and its policy override form. */
export function PolicySection({ l }: { l: LicenseDto }) {
  const update = useApp((s) => s.updateLicense)
  const cull = useApp((s) => s.cullLicenseSeats)
  const o = l.policy_override ?? {}
  const f = useForm<PolicyOverride>({
    resolver: zodResolver(policyOverrideSchema),
    defaultValues: o,
  })
  useEffect(() => f.reset(l.policy_override ?? {}), [l.policy_override, f])
  const e = f.formState.errors
  const p = l.policy
  const seats = seatsText(l)
  const blank = (label: string) => `Product default (${label})`
  return (
    <section aria-labelledby="lic-policy">
      <h3 id="lic-policy" className="mb-2 flex items-center gap-2 text-sm font-semibold">
        Policy
        <Badge tone={p.mode === 'floating' ? 'ok' : 'neutral'}>
          {p.mode === 'floating' ? 'floating' : 'node-locked'}
        </Badge>
        {l.policy_override && <Badge tone="warn">overridden</Badge>}
      </h3>
      {seats && (
        <div className="mb-3 flex items-center gap-3 rounded-md border border-line px-3 py-2 text-sm">
          <span aria-label="Seats in use" className="font-medium tabular-nums">
            {seats}
          </span>
          <span className="text-xs text-muted">live, from the event stream</span>
          <Button size="sm" className="ml-auto" onClick={() => void cull(l.id)}>
            <Scissors aria-hidden="true" size={14} /> Cull now
          </Button>
        </div>
      )}
      <form
        aria-label="License policy override"
        noValidate
        onSubmit={f.handleSubmit(
          async (v) => void (await update(l.id, { policy: compact(v) }, 'License policy saved')),
        )}
        className="grid grid-cols-2 gap-3"
      >
        <Field label="Mode" error={e.mode?.message}>
          <Select {...f.register('mode', orUndefined)}>
            <option value="">{blank(p.mode === 'floating' ? 'floating' : 'node-locked')}</option>
            <option value="node_locked">Node-locked</option>
            <option value="floating">Floating</option>
          </Select>
        </Field>
        <Field
          label="Floating seats"
          error={e.seats?.message}
          hint={`Empty: ${p.seats ?? `${l.max_uses} (max machines)`}`}
        >
          <Input type="number" min={1} {...f.register('seats', numOrUndefined)} />
        </Field>
        <Field
          label="Heartbeat interval (s)"
          error={e.heartbeat_seconds?.message}
          hint={`Empty: ${p.heartbeat_seconds}`}
        >
          <Input type="number" min={10} {...f.register('heartbeat_seconds', numOrUndefined)} />
        </Field>
        <Field label="Dead machines" error={e.dead_machine?.message}>
          <Select {...f.register('dead_machine', orUndefined)}>
            <option value="">{blank(p.dead_machine.replace('_', ' '))}</option>
            {Object.entries(DEAD_MACHINE_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Resurrection window (s)"
          error={e.resurrection_seconds?.message}
          hint={`Empty: ${fmtSeconds(p.resurrection_seconds)}`}
        >
          <Input type="number" min={0} {...f.register('resurrection_seconds', numOrUndefined)} />
        </Field>
        <Field label="Overage" error={e.overage?.message} hint={`Empty: ${p.overage}x`}>
          <Input type="number" min={1} step={0.05} {...f.register('overage', numOrUndefined)} />
        </Field>
        <Field
          label="Grace period (s)"
          error={e.grace_seconds?.message}
          hint={`Empty: ${fmtSeconds(p.grace_seconds)}`}
        >
          <Input type="number" min={0} {...f.register('grace_seconds', numOrUndefined)} />
        </Field>
        <div className="flex items-end justify-end gap-2">
          {l.policy_override && (
            <Button
              type="button"
              size="sm"
              onClick={() => void update(l.id, { policy: null }, 'Override cleared')}
            >
              Clear override
            </Button>
          )}
          <Button
            type="submit"
            size="sm"
            variant="primary"
            disabled={!f.formState.isDirty || f.formState.isSubmitting}
          >
            Save override
          </Button>
        </div>
      </form>
    </section>
  )
}
