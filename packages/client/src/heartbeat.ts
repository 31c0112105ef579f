import { backoffDelay } from './backoff.js'
import { isFatal, type KeywardenError } from './errors.js'
import type { KeywardenClient, MachineRequest, Verdict } from './client.js'

export interface HeartbeatOptions {
  /** Between successful heartbeats, ms (the product's heartbeat interval). */
  intervalMs: number
  /** While heartbeats fail: the first retry waits up to this (default intervalMs / 4). */
  backoffBaseMs?: number
  /** …and never more than this (default 8 × intervalMs). */
  backoffMaxMs?: number
  onBeat?: (v: Verdict) => void
  /** Every failure; `fatal` when the server refused for good and the loop stopped. */
  onError?: (
    e: unknown,
    info: { fatal: boolean; failures: number; nextDelayMs: number | null },
  ) => void
}

export interface HeartbeatLoop {
  /** Stops the loop (a wait in progress ends at once); resolves when it has. */
  stop(): Promise<void>
  readonly running: boolean
  /** Consecutive failures so far. */
  readonly failures: number
}

/**
 * The heartbeat loop: a beat every `intervalMs`; after a failure the next attempt waits an
 * exponential, jittered delay (full jitter, capped), so a server that comes back is not met
 * by every client at once; a refusal a retry cannot change (banned, expired, session ended)
 * stops the loop and is reported as fatal. Each beat's own request retries are off: the loop
 * is the retry.
 */
export function startHeartbeat(
  client: KeywardenClient,
  r: MachineRequest,
  opts: HeartbeatOptions,
): HeartbeatLoop {
  const ac = new AbortController()
  const base = opts.backoffBaseMs ?? Math.max(1, Math.floor(opts.intervalMs / 4))
  const max = opts.backoffMaxMs ?? opts.intervalMs * 8
  let running = true
  let failures = 0
  const done = (async () => {
    let delay = opts.intervalMs
    while (!ac.signal.aborted) {
      await client.sleep(delay, ac.signal)
      if (ac.signal.aborted) break
      try {
        const v = await client.heartbeat(r, { retries: 0 })
        failures = 0
        delay = opts.intervalMs
        opts.onBeat?.(v)
      } catch (e) {
        failures++
        if (isFatal(e)) {
          opts.onError?.(e, { fatal: true, failures, nextDelayMs: null })
          break
        }
        const after = (e as KeywardenError).retryAfter
        delay = backoffDelay(
          failures - 1,
          { baseMs: base, maxMs: max },
          client.random,
          after !== undefined ? after * 1000 : undefined,
        )
        opts.onError?.(e, { fatal: false, failures, nextDelayMs: delay })
      }
    }
    running = false
  })()
  return {
    async stop() {
      ac.abort()
      await done
    },
    get running() {
      return running
    },
    get failures() {
      return failures
    },
  }
}
