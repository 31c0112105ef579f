import { z } from 'zod'

/**
 * Declares one console channel: its input schema and (as a type only) its output.
 * `channel(schema).returns<Output>()`.
 */
export function channel<I extends z.ZodType>(input: I) {
  return { returns: <O>() => ({ input, output: undefined as unknown as O }) }
}

export const none = z.object({}).strict().default({})
export const byId = z.object({ id: z.string().min(1) })
export const paging = {
  page: z.number().int().min(1).default(1),
  limit: z.number().int().min(1).max(500).default(50),
}
