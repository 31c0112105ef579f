import { useEffect } from 'react'
import { useForm, useWatch } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import type { ProductDto } from '@shared/dto'
import { pickSeatPolicy, seatAllowance, seatPolicySchema, type SeatPolicy } from '@shared/policy'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Field } from '../../components/ui/field'
import { Input, Select } from '../../components/ui/input'
import { Button } from '../../components/ui/button'

const asInt = { setValueAs: (v: string) => (v === '' ? undefined : Number(v)) }
const asIntOrNull = { setValueAs: (v: string) => (v === '' ? null : Number(v)) }
const asNum = { setValueAs: (v: string) => (v === '' ? undefined : Number(v)) }

/** "90 s", "15 min", "2 h", "3 days": a duration in seconds as a person reads it. */
export function fmtSeconds(s: number | undefined | null): string {
  if (s === undefined || s === null || !Number.isFinite(s)) return ''
  if (s === 0) return 'none'
  if (s % 86_400 === 0) return `${s / 86_400} day${s === 86_400 ? '' : 's'}`
  if (s % 3600 === 0) return `${s / 3600} h`
  if (s % 60 === 0) return `${s / 60} min`
  return `${s} s`
}

export const DEAD_MACHINE_LABELS: Record<SeatPolicy['dead_machine'], string> = {
  keep: 'Keep (holds its seat)',
  free_seat: 'Free its seat',
  deactivate: 'Deactivate',
}

/** What each dead-machine choice does, under the select. */
const DEAD_MACHINE_HINTS: Record<SeatPolicy['dead_machine'], string> = {
  keep: 'A silent machine keeps its seat until it is deactivated',
  free_seat: 'Culling frees its seat; the machine stays listed',
  deactivate: 'Culling frees its seat, then unbinds it once the resurrection window closes',
}

/** The product's default seat policy: node-locked or floating, and every knob of it. */
export function SeatPolicyForm({ product }: { product: ProductDto }) {
  const update = useApp((s) => s.updateProduct)
  const initial = pickSeatPolicy(product.policy)
  const f = useForm<SeatPolicy>({ resolver: zodResolver(seatPolicySchema), defaultValues: initial })
  useEffect(() => f.reset(pickSeatPolicy(product.policy)), [product.policy, f])
  const e = f.formState.errors
  const v = useWatch({ control: f.control })
  const floating = v.mode === 'floating'
  const seats = v.seats ?? product.license_defaults.max_uses
  return (
    <Card>
      <CardHeader
        title="Seats and expiry policy"
        description="Node-locked or floating seats, what happens to machines that go silent, overage and grace. Licenses may override any of these."
      />
      <form
        aria-label="Seat policy"
        noValidate
        onSubmit={f.handleSubmit(
          async (p) => void (await update(product.id, { policy: p }, 'Seat policy saved')),
        )}
      >
        <div className="grid grid-cols-2 gap-4 px-4 py-4">
          <Field
            label="Mode"
            error={e.mode?.message}
            hint={
              floating
                ? 'Up to N machines at once, any machine; a seat is held by a live heartbeat'
                : 'Machines are bound up to each license’s max machines'
            }
          >
            <Select {...f.register('mode')}>
              <option value="node_locked">Node-locked</option>
              <option value="floating">Floating seats</option>
            </Select>
          </Field>
          <Field
            label="Floating seats"
            error={e.seats?.message}
            hint={
              floating
                ? `Empty: each license's max machines. Up to ${seatAllowance(Number(seats) || 1, Number(v.overage) || 1)} at once with overage.`
                : 'Used in floating mode'
            }
          >
            <Input type="number" min={1} {...f.register('seats', asIntOrNull)} />
          </Field>
          <Field
            label="Heartbeat interval (seconds)"
            error={e.heartbeat_seconds?.message}
            hint={`A machine silent for two intervals (${fmtSeconds((Number(v.heartbeat_seconds) || 0) * 2)}) is dead`}
          >
            <Input type="number" min={10} {...f.register('heartbeat_seconds', asInt)} />
          </Field>
          <Field
            label="Dead machines"
            error={e.dead_machine?.message}
            hint={
              v.dead_machine === 'free_seat' && !floating
                ? 'Node-locked: a binding is no seat, so nothing is freed (use Deactivate)'
                : v.dead_machine
                  ? DEAD_MACHINE_HINTS[v.dead_machine]
                  : undefined
            }
          >
            <Select {...f.register('dead_machine')}>
              {Object.entries(DEAD_MACHINE_LABELS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label="Resurrection window (seconds)"
            error={e.resurrection_seconds?.message}
            hint={
              Number(v.resurrection_seconds) > 0
                ? `A dead machine that comes back within ${fmtSeconds(Number(v.resurrection_seconds))} keeps its session and gets its seat back if one is free`
                : '0: a dead machine’s session ends when culling frees its seat'
            }
          >
            <Input type="number" min={0} {...f.register('resurrection_seconds', asInt)} />
          </Field>
          <Field
            label="Overage allowance"
            error={e.overage?.message}
            hint="1 = none; 1.25 lets 4 seats take 5 (rounded down)"
          >
            <Input type="number" min={1} max={10} step={0.05} {...f.register('overage', asNum)} />
          </Field>
          <Field
            label="Grace period after expiry (seconds)"
            error={e.grace_seconds?.message}
            hint={
              Number(v.grace_seconds) > 0
                ? `For ${fmtSeconds(Number(v.grace_seconds))} an expired key still answers valid, with grace_until and a warning`
                : '0: an expired key is refused at once'
            }
          >
            <Input type="number" min={0} {...f.register('grace_seconds', asInt)} />
          </Field>
        </div>
        <div className="flex justify-end border-t border-line px-4 py-3">
          <Button
            type="submit"
            variant="primary"
            size="sm"
            disabled={!f.formState.isDirty || f.formState.isSubmitting}
          >
            Save seat policy
          </Button>
        </div>
      </form>
    </Card>
  )
}
