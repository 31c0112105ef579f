import { createHash } from 'node:crypto'
import type { Executor } from '../types'
import { prepared } from '../prepared'

function digest(kind: string, value: string): Buffer {
  return createHash('sha256').update(`${kind}\u0000${value}`).digest().subarray(0, 16)
}

/**
 * Remembers a one-time value until `untilMs`; false when it was already seen (a replay).
 * `untilMs` must follow from the value itself (its signed timestamp, its expiry), so that the
 * same value always maps to the same row: the primary key (until, digest) then makes
 * check-and-remember one atomic statement (INSERT … ON CONFLICT DO NOTHING, the same on both
 * dialects: a second insert of the key, even from another node's open transaction, waits for
 * the first and then inserts nothing), with the inserts of one moment on the same pages.
 */
export async function rememberOnce(
  ex: Executor,
  kind: string,
  value: string,
  untilMs: number,
): Promise<boolean> {
  const r = await insertOnce(ex, Math.trunc(untilMs), digest(kind, value))
  return Number(r.numAffectedRows) === 1
}

const insertOnce = prepared((ex: Executor, until: number, digest: Buffer) =>
  ex
    .insertInto('replay_guard')
    .values({ until, digest })
    .onConflict((oc) => oc.doNothing()),
)

/** Forgets the values that stopped mattering before `nowMs` (a range at the start of the key). */
export async function purgeReplayGuard(ex: Executor, nowMs: number): Promise<number> {
  const r = await ex
    .deleteFrom('replay_guard')
    .where('until', '<', Math.trunc(nowMs))
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
