import { z } from 'zod'

/**
 * Who may call a channel, declared once in the contract and enforced by `rpc/dispatch` before
 * the input is parsed or the handler runs (a refusal is FORBIDDEN on every transport):
 * - `admin`: the installation itself. The desktop console (or setup token) and accounts with
 *   the `owner` or `admin` role. Server address, backups, restore, settings, accounts...
 * - `user`: any account, `user` role included; the service behind it scopes every read and
 *   write to the actor's own products, licenses and records (owner scoping).
 * - `session`: any logged-in session; the channel is about the session itself (who am I, the
 *   server's status) and shows nothing of another account.
 */
export const AUDIENCES = ['admin', 'user', 'session'] as const
export type Audience = (typeof AUDIENCES)[number]

/** One channel of the contract: input schema, audience and (as a type only) output. */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I
  audience: Audience
  output: O
}

/**
 * Declares one console channel: `channel(schema).for('admin').returns<Output>()`. There is no
 * `returns` before `for`, so a channel without an audience does not type-check.
 */
export function channel<I extends z.ZodType>(input: I) {
  return {
    for: (audience: Audience) => ({
      returns: <O>(): ChannelDef<I, O> => ({
        input,
        audience,
        output: undefined as unknown as O,
      }),
    }),
  }
}

export const none = z.object({}).strict().default({})
export const byId = z.object({ id: z.string().min(1) })
export const paging = {
  page: z.number().int().min(1).default(1),
  limit: z.number().int().min(1).max(500).default(50),
}
