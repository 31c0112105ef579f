import { setTimeout as sleep } from 'node:timers/promises'
import { DomainError } from '@shared/errors'
import * as repo from '../../db/repositories/idempotency'
import { loadMasterKey, seal, unseal } from '../../crypto/seal'
import { nowIso, type ServiceContext } from '../context'

/** How long a key is remembered: a retry within a day replays the first answer. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000
/** How long a duplicate waits for the first request to finish before giving up with 409. */
const WAIT_MS = 15_000
const POLL_MS = 20

export type IdempotencyOutcome =
  { kind: 'proceed' } | { kind: 'replay'; statusCode: number; body: string }

/**
 * Idempotency keys (Stripe-style): the first request with a key runs and its answer is
 * stored; a repeat with the same request replays that answer; a repeat with a different
 * request is a CONFLICT. The claim is an atomic insert, so concurrent duplicates cannot both
 * run: the loser waits for the winner's answer and replays it.
 */
export function createIdempotencyService(ctx: ServiceContext, opts: { ttlMs?: number } = {}) {
  const ttl = opts.ttlMs ?? IDEMPOTENCY_TTL_MS
  let master: Buffer | undefined
  // Stored answers hold fresh license keys and, for POST /api/api-keys, a key and its secret:
  // they are sealed at rest like every other secret (bound to caller + key).
  const masterKey = () => (master ??= loadMasterKey(ctx.dataDir))
  let claims = 0

  async function purgeNowAndThen(): Promise<void> {
    // Every 200th claim sweeps expired keys: no timer to stop, and
    // the tables stay bounded by a day's traffic.
    if (++claims % 200 !== 1) return
    const now = ctx.clock().getTime()
    await repo.purgeIdempotencyKeys(ctx.db, new Date(now - ttl).toISOString())
  }

  return {
    /**
     * Claims `key` for `scope` (the caller) or answers what to do instead. `requestHash`
     * fingerprints the request (method, path, body) so that a key reused for another
     * request is refused rather than silently answered with the wrong response.
     */
    async begin(scope: string, key: string, requestHash: string): Promise<IdempotencyOutcome> {
      await purgeNowAndThen()
      const deadline = Date.now() + WAIT_MS
      for (;;) {
        // Read first, so a replay (the common retry) costs no write; the atomic claim below
        // still decides between two requests that both found nothing.
        const rec = await repo.findIdempotencyKey(ctx.db, scope, key)
        if (!rec) {
          const claim = { scope, key, request_hash: requestHash, created_at: nowIso(ctx) }
          if (await repo.claimIdempotencyKey(ctx.db, claim)) return { kind: 'proceed' }
          continue // another request claimed it in between: read its claim
        }
        if (Date.parse(rec.created_at) < ctx.clock().getTime() - ttl) {
          await repo.releaseIdempotencyKey(ctx.db, scope, key, rec.created_at)
          continue
        }
        if (rec.request_hash !== requestHash) {
          throw new DomainError(
            'CONFLICT',
            'This Idempotency-Key was already used with a different request; use a new key for a new request',
          )
        }
        if (rec.status_code !== null && rec.response_body !== null) {
          const body = unseal(masterKey(), rec.response_body, `${scope}\n${key}`)
          return { kind: 'replay', statusCode: rec.status_code, body }
        }
        if (Date.now() > deadline) {
          throw new DomainError(
            'CONFLICT',
            'A request with this Idempotency-Key is still being processed; retry later',
          )
        }
        await sleep(POLL_MS)
      }
    },

    /** Stores the answer of the request that claimed the key. */
    async complete(scope: string, key: string, statusCode: number, body: string): Promise<void> {
      const sealed = seal(masterKey(), body, `${scope}\n${key}`)
      await repo.completeIdempotencyKey(ctx.db, scope, key, statusCode, sealed)
    },

    /** Frees a claim whose request failed on our side, so a retry can run again. */
    async release(scope: string, key: string): Promise<void> {
      await repo.releaseIdempotencyKey(ctx.db, scope, key)
    },
  }
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>
