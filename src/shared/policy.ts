import { z } from 'zod'

/**
 * The license policy (issue #16, DESIGN "Policies and offline files"): how a license binds
 * machines, when a silent machine is dead and what then happens to it, how long it may come
 * back, how far a floating license may go over, and how long it keeps working after expiry.
 * One object: the product holds the default (inside its policy JSON, beside session and
 * indicator settings), a license may override any of these fields, and the services merge the
 * two in one function (services/licensing/policy.ts `effectivePolicy`).
 */

/** node_locked: machines are bound up to max_uses (the behaviour before policies existed).
 * floating: up to N concurrent seats on any machine; a seat is held by a live heartbeat. */
export const seatModeSchema = z.enum(['node_locked', 'floating'])
export type SeatMode = z.infer<typeof seatModeSchema>

/**
 * What culling does to a machine whose heartbeats stopped (silent for the heartbeat window):
 * keep: nothing, it keeps its seat / binding until deactivated;
 * free_seat (the default): its floating seat is freed, the machine stays listed; once the
 *   resurrection window is over its session ends. A node-locked binding is not a seat: there
 *   it changes nothing (the behaviour before policies);
 * deactivate: as free_seat, and once the resurrection window is over it is unbound (in
 *   node-locked mode too: its slot frees up).
 */
export const deadMachineSchema = z.enum(['keep', 'free_seat', 'deactivate'])
export type DeadMachine = z.infer<typeof deadMachineSchema>

/** Seconds in a day, for the bounds below. */
const DAY = 86_400

/** The seat fields of a policy, each with its bounds (zod validates every input). */
export const seatPolicyShape = {
  mode: seatModeSchema,
  /** Floating: concurrent seats; null = the license's max_uses. */
  seats: z.number().int().min(1).max(1_000_000).nullable(),
  /** The interval clients beat at; a machine silent for two intervals is dead. */
  heartbeat_seconds: z.number().int().min(10).max(DAY),
  dead_machine: deadMachineSchema,
  /** How long after its seat was freed a machine may come back with its session (0 = never). */
  resurrection_seconds: z
    .number()
    .int()
    .min(0)
    .max(30 * DAY),
  /** Floating seats allowed = floor(seats x overage); 1 = no overage. */
  overage: z.number().min(1).max(10),
  /** After expires_at, how long the license still answers valid with a warning (0 = none). */
  grace_seconds: z
    .number()
    .int()
    .min(0)
    .max(365 * DAY),
}

export const seatPolicySchema = z.object(seatPolicyShape)
export type SeatPolicy = z.infer<typeof seatPolicySchema>

/** A license's override: any subset of the seat fields; null clears the override. */
export const policyOverrideSchema = z.strictObject(seatPolicyShape).partial()
export type PolicyOverride = z.infer<typeof policyOverrideSchema>

/**
 * The seat policy a product starts with: exactly the behaviour before policies existed
 * (node-locked, where free_seat changes nothing), and a product switched to floating frees the
 * seats of dead machines without being told.
 */
export const DEFAULT_SEAT_POLICY: SeatPolicy = {
  mode: 'node_locked',
  seats: null,
  heartbeat_seconds: 300,
  dead_machine: 'free_seat',
  resurrection_seconds: 0,
  overage: 1,
  grace_seconds: 0,
}

/** The warning code an answer carries while the license is in its grace period. */
export const GRACE_WARNING = 'LICENSE_IN_GRACE'

/**
 * Seats a floating license may hold at once: floor(seats x overage), never below seats. Floor,
 * so the vendor never gives more than the factor says: 1.25x of 4 seats is 5, of 3 seats 3.
 * The epsilon keeps a product that floating point lands just under an integer (1.15 x 20 is
 * 22.999999999999996) at that integer.
 */
export function seatAllowance(seats: number, overage: number): number {
  return Math.max(seats, Math.floor(seats * overage + 1e-9))
}

/** What the console shows per license: seats held now and the limit (null: node-locked). */
export interface SeatUsage {
  mode: 'floating'
  in_use: number
  seats: number
  allowance: number
}

/** The seat-policy fields of a policy, as the forms edit them and the license DTO shows them. */
export function pickSeatPolicy(p: SeatPolicy): SeatPolicy {
  const {
    mode,
    seats,
    heartbeat_seconds,
    dead_machine,
    resurrection_seconds,
    overage,
    grace_seconds,
  } = p
  return {
    mode,
    seats,
    heartbeat_seconds,
    dead_machine,
    resurrection_seconds,
    overage,
    grace_seconds,
  }
}
