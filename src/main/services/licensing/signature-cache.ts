import type { SharedSignatures } from '../../crypto/sign'
import { sha256Hex } from '../../crypto/random'
import { findSignature, keepSignature, purgeSignatures } from '../../db/repositories/signatures'
import type { ServiceContext } from '../context'

/** How often a process purges expired signatures (on a kept one, no timer). */
const PURGE_MS = 60_000

/**
 * The signature cache of several processes on one database (`signatures`, migration 0012):
 * a worker that has not signed a repeating answer itself reads another's signature of it
 * (one primary-key lookup, ~1/500 of an RSA-4096 signature) before signing. A signature made is
 * kept in the turn's group commit without waiting for it (a cache: a lost row costs one
 * signature). Used when `ctx.changes.shared`; one process keeps its own cache only.
 */
export function sharedSignatures(
  ctx: Pick<ServiceContext, 'db' | 'write' | 'clock'>,
): SharedSignatures {
  let lastPurge = 0
  return {
    find: (data) => findSignature(ctx.db, sha256Hex(data), ctx.clock().toISOString()),
    keep(data, signature, untilMs) {
      const now = ctx.clock().getTime()
      const purge = now - lastPurge >= PURGE_MS
      if (purge) lastPurge = now
      void ctx
        .write(async (ex) => {
          const row = {
            digest: sha256Hex(data),
            signature,
            expires_at: new Date(untilMs).toISOString(),
          }
          await keepSignature(ex, row)
          if (purge) await purgeSignatures(ex, new Date(now).toISOString())
        })
        .catch(() => {})
    },
  }
}
