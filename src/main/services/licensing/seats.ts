import { DomainError } from '@shared/errors'
import { seatAllowance } from '@shared/policy'
import * as machines from '../../db/repositories/machines'
import type { BoundMachine } from '../../db/repositories/machines'
import { countHeldSeats } from '../../db/repositories/seats'
import type { RecordEvent } from '../events'
import type { Decided } from './engine'
import { seatsOf } from './policy'
import type { LicenseRequest } from './types'

/**
 * Floating seats: up to `seats` machines (x the overage allowance) hold a seat at once, any
 * machine. Decided inside the operation's transaction on the license row locked for it
 * (engine.ts), so two racing activations on any node cannot both take the last seat: whoever
 * takes a seat holds that lock, and culling only ever frees seats.
 */

/** What a machine's seat is on this request. */
export type SeatVerdict =
  /** It holds a seat already. */
  | { kind: 'held'; machine: BoundMachine }
  /** It may take one (a new machine, or one whose seat culling freed / never gave). */
  | {
      kind: 'take'
      machine: BoundMachine | undefined
      /** The machine had been culled and came back within its resurrection window. */
      resurrected: boolean
      /** Taking it goes past `seats`, into the overage allowance. */
      overage: boolean
      held: number
    }

export function allSeatsTaken(seats: number, allowance: number): DomainError {
  return new DomainError('MAX_USES_EXCEEDED', 'All floating seats are in use', {
    seats,
    allowance,
  })
}

/**
 * Whether this machine holds or may take a seat. A machine culled and past its resurrection
 * window is refused SESSION_EXPIRED when it comes back with its session (`returning`): the
 * session is over, the client activates again (and gets a seat if one is free).
 */
export async function decideSeat(
  d: Decided,
  hwid: string,
  o: { lock?: boolean; returning?: boolean; known?: BoundMachine } = {},
): Promise<SeatVerdict> {
  const machine = o.known ?? (await machines.findMachine(d.ex, d.row.id, hwid, { lock: o.lock }))
  if (machine?.seat === 'held') return { kind: 'held', machine }
  const freed = machine?.seat === 'freed'
  const resurrected = freed && machine.seat_bury_at !== null && machine.seat_bury_at > d.nowIso
  if (o.returning && freed && !resurrected) {
    throw new DomainError('SESSION_EXPIRED', 'Session expired or invalid', {
      reason: 'seat_culled',
    })
  }
  const seats = seatsOf(d.policy, d.row.max_uses)
  const allowance = seatAllowance(seats, d.policy.overage)
  const held = await countHeldSeats(d.ex, d.row.id, hwid)
  if (held >= allowance) throw allSeatsTaken(seats, allowance)
  return { kind: 'take', machine, resurrected, overage: held >= seats, held }
}

/** The events of a seat taken: seat.taken, plus seat.resurrected / seat.overage. */
export function seatEvents(
  d: Decided,
  req: LicenseRequest,
  v: SeatVerdict,
  machineId: string,
): RecordEvent[] {
  if (v.kind !== 'take') return []
  const seats = seatsOf(d.policy, d.row.max_uses)
  const base = {
    productId: d.row.product_id,
    licenseId: d.row.id,
    machineId,
    hwid: req.hwid ?? null,
    ip: req.ip,
    userAgent: req.userAgent,
  }
  const details = {
    protocol: req.protocol,
    seats,
    allowance: seatAllowance(seats, d.policy.overage),
    in_use: v.held + 1,
  }
  const out: RecordEvent[] = [{ ...base, type: 'seat.taken', details }]
  if (v.resurrected) out.push({ ...base, type: 'seat.resurrected', details })
  if (v.overage) out.push({ ...base, type: 'seat.overage', severity: 'low', details })
  return out
}
