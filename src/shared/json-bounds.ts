import { z } from 'zod'

/**
 * Bounds for free-form JSON (license metadata, client_data): how deep objects and arrays may
 * nest and how large the value may be once serialised. Deep JSON is cheap to send and costly
 * to handle (JSON.stringify, hashing and copying recurse), so it is refused where it enters.
 * Everything here walks values with an explicit stack: no recursion, whatever the depth.
 */
export interface JsonBounds {
  /** Levels of objects/arrays allowed inside the value (`{}` is 1, `{"a":[]}` is 2). */
  maxDepth: number
  /** UTF-8 bytes of the value's JSON text. */
  maxBytes: number
}

/**
 * Where `value` first nests deeper than `maxDepth` levels (the path of keys leading there,
 * at most the first `pathLength` of them), or null when it does not.
 */
export function excessDepth(value: unknown, maxDepth: number, pathLength = 3): string[] | null {
  const stack: { v: unknown; depth: number; path: string[] }[] = [{ v: value, depth: 0, path: [] }]
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth + 1 > maxDepth) return path
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((c, i) => [String(i), c])
      : Object.entries(v as Record<string, unknown>)
    for (const [k, c] of entries) {
      if (c === null || typeof c !== 'object') continue
      stack.push({ v: c, depth: depth + 1, path: path.length < pathLength ? [...path, k] : path })
    }
  }
  return null
}

/**
 * Where a string (or object key) holding U+0000 first appears in `value` (the path of keys
 * leading there, at most `pathLength` of them; `[]` for the value itself), or null.
 */
export function nulTextPath(value: unknown, pathLength = 3): string[] | null {
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path: [] }]
  while (stack.length > 0) {
    const { v, path } = stack.pop()!
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path
      continue
    }
    if (v === null || typeof v !== 'object') continue
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((c, i) => [String(i), c])
      : Object.entries(v as Record<string, unknown>)
    for (const [k, c] of entries) {
      const at = path.length < pathLength ? [...path, k] : path
      if (k.includes('\u0000')) return at
      stack.push({ v: c, path: at })
    }
  }
  return null
}

const utf8 = new TextEncoder()

/** The issue for a value outside the bounds, or null (depth first: serialising needs it). */
export function jsonBoundsIssue(value: unknown, b: JsonBounds): string | null {
  if (excessDepth(value, b.maxDepth) !== null) {
    return `must not nest objects or arrays more than ${b.maxDepth} levels deep`
  }
  const text = JSON.stringify(value) ?? ''
  // A character is at most 3 UTF-8 bytes in a JS string (surrogate pairs: 4 for 2 units).
  if (text.length * 3 > b.maxBytes && utf8.encode(text).length > b.maxBytes) {
    return `must be at most ${b.maxBytes} bytes as JSON`
  }
  return null
}

/** Free-form JSON for license metadata and similar fields: 32 levels, 16 KiB. */
export const DEFAULT_JSON_BOUNDS: JsonBounds = { maxDepth: 32, maxBytes: 16 * 1024 }

/** Adds the bounds to a schema: a value outside them is an issue on the field itself. */
export function withJsonBounds<T extends z.ZodType>(
  schema: T,
  b: JsonBounds = DEFAULT_JSON_BOUNDS,
) {
  return schema.superRefine((value, ctx) => {
    const issue = jsonBoundsIssue(value, b)
    if (issue) ctx.addIssue({ code: 'custom', message: issue })
  })
}

/** A bounded free-form JSON object (`{ [key]: any JSON }`), e.g. license metadata. */
export function boundedJson(b: JsonBounds = DEFAULT_JSON_BOUNDS) {
  return withJsonBounds(z.record(z.string(), z.unknown()), b)
}
