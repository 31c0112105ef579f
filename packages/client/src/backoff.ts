/** How the SDK waits between attempts; every delay it uses goes through here. */
export interface RetryPolicy {
  /** Attempts after the first (default 3). */
  retries: number
  /** First backoff step in ms (default 500). */
  baseMs: number
  /** No single wait is longer (default 30 s). */
  maxMs: number
  /** A server asking to wait longer than this is answered with RateLimitedError at once (default 60 s). */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseMs: 500,
  maxMs: 30_000,
  maxRetryAfterMs: 60_000,
}

/**
 * Exponential backoff with full jitter (AWS's "full jitter"): a uniform wait in
 * [0, min(maxMs, baseMs · 2^attempt)], so that many clients failing at once spread out
 * instead of returning together. A server's Retry-After is a floor: never sooner than asked.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt)
  const jittered = Math.floor(random() * ceiling)
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered
}

/** A wait that an AbortSignal cuts short (the heartbeat loop's stop). */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
