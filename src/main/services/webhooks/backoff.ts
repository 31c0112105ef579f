/**
 * Retry schedule: the n-th retry waits BASE * FACTOR^(n-1), capped at MAX, stretched by up
 * to +25 % random jitter (so endpoints that failed together do not retry in lockstep).
 * Jitter only lengthens a delay, so the bounds below hold whatever the dice say:
 * first retry after 15–18.75 s (within 30 s); the 9 retries span at least
 * 15+45+135+405+1215+3645+10935+32805+43200 s = 92,400 s (25.7 h) > 24 h.
 */
export const RETRY_BASE_MS = 15_000
export const RETRY_FACTOR = 3
export const RETRY_MAX_MS = 12 * 3_600_000
/** Attempts in all (the first send plus 9 retries); then the delivery is marked failed. */
export const MAX_ATTEMPTS = 10

/** Delay before the retry that follows `attemptsMade` failed attempts (1 = after the first send). */
export function retryDelayMs(attemptsMade: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_BASE_MS * RETRY_FACTOR ** (attemptsMade - 1), RETRY_MAX_MS)
  return Math.round(base * (1 + 0.25 * random()))
}
