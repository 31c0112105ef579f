import type { ChannelDef } from './channel'

export type ChannelMap = Record<string, ChannelDef>

/** The channel names two or more of `T`'s maps declare (never when they are disjoint). */
export type DuplicateNames<T extends readonly ChannelMap[], Seen = never> = T extends readonly [
  infer H extends ChannelMap,
  ...infer R extends readonly ChannelMap[],
]
  ? (keyof H & Seen) | DuplicateNames<R, Seen | keyof H>
  : never

type Merged<T extends readonly ChannelMap[]> = T extends readonly [
  infer H extends ChannelMap,
  ...infer R extends readonly ChannelMap[],
]
  ? H & Merged<R>
  : unknown

/**
 * Joins the domains' channel maps into one contract. A spread would let a later map silently
 * replace a channel of the same name; here a name declared twice is a type error (the call's
 * arguments ask for `duplicate_channel`) and, should types be bypassed, throws at start-up
 * naming the channel.
 */
export function composeChannels<const T extends readonly ChannelMap[]>(
  ...maps: [DuplicateNames<T>] extends [never] ? T : T & { duplicate_channel: DuplicateNames<T> }
): Merged<T> {
  const out: ChannelMap = {}
  for (const map of maps as readonly ChannelMap[]) {
    for (const name of Object.keys(map)) {
      if (Object.prototype.hasOwnProperty.call(out, name)) {
        throw new Error(`Console channel ${name} is declared twice in the contract`)
      }
      out[name] = map[name]
    }
  }
  return out as Merged<T>
}
