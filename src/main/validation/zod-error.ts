import { z } from 'zod'

/**
 * A zod validation error that escaped an edge (a service or handler parsed and threw). Every
 * protocol's error mapper answers it as VALIDATION_ERROR 400 in its own shape, never a 500.
 */
export function isZodError(e: unknown): e is z.core.$ZodError {
  if (e instanceof z.core.$ZodError) return true
  const x = e as { name?: unknown; issues?: unknown } | null
  return !!x && typeof x === 'object' && x.name === 'ZodError' && Array.isArray(x.issues)
}

/** The first few issues as "path: message" (the request's field names, no internals). */
export function describeZodError(e: z.core.$ZodError, max = 5): string {
  return e.issues
    .slice(0, max)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : 'input'}: ${i.message}`)
    .join('; ')
}
