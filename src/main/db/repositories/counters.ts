import { sql } from 'kysely'
import type { Executor } from '../types'

/**
 * Counts one hit for `key` in the fixed window starting at `windowStart` and returns the
 * window's count including this hit. One upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`),
 * atomic on both dialects: concurrent hits from several nodes each get their own number.
 */
export async function hitCounter(
  ex: Executor,
  key: string,
  windowStart: string,
  expiresAt: string,
): Promise<number> {
  const r = await ex
    .insertInto('counters')
    .values({ key, window_start: windowStart, n: 1, expires_at: expiresAt })
    .onConflict((oc) =>
      oc.columns(['key', 'window_start']).doUpdateSet({ n: sql<number>`counters.n + 1` }),
    )
    .returning('n')
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/**
 * Notes `member` under `key` at `now` (kept until `expiresAt`) and returns how many distinct
 * members the key has seen after `since`. Run both statements in one `trx` so the count
 * includes this member.
 */
export async function addWindowMember(
  trx: Executor,
  m: { key: string; member: string; now: string; expiresAt: string; since: string },
): Promise<number> {
  await trx
    .insertInto('window_members')
    .values({ key: m.key, member: m.member, seen_at: m.now, expires_at: m.expiresAt })
    .onConflict((oc) =>
      oc.columns(['key', 'member']).doUpdateSet({ seen_at: m.now, expires_at: m.expiresAt }),
    )
    .execute()
  const r = await trx
    .selectFrom('window_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', '=', m.key)
    .where('seen_at', '>', m.since)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Forgets a key's members (it has triggered: one burst triggers once). */
export async function resetWindow(ex: Executor, key: string): Promise<void> {
  await ex.deleteFrom('window_members').where('key', '=', key).execute()
}

/** Deletes counter and member rows whose window ended at or before `now`. */
export async function purgeExpiredCounters(ex: Executor, now: string): Promise<void> {
  await ex.deleteFrom('counters').where('expires_at', '<=', now).execute()
  await ex.deleteFrom('window_members').where('expires_at', '<=', now).execute()
}
