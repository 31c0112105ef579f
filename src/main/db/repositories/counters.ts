import { sql } from 'kysely'
import type { Executor } from '../types'

/**
 * Counts one hit for `key` in its current window, which starts at the key's first hit and lasts
 * `windowMs` (as an in-memory rate limiter's does: a burst is never split by a clock boundary).
 * One upsert, atomic on both dialects: the row of an ended window starts again at 1, so nodes
 * agree on the window without agreeing on a clock grid. `by` hits at once (a lease of them, see
 * createSharedRateLimiter). Returns the count after them and when the window ends.
 */
export async function hitWindow(
  ex: Executor,
  key: string,
  now: string,
  endsIfNew: string,
  by = 1,
): Promise<{ n: number; expiresAt: string }> {
  const r = await ex
    .insertInto('counters')
    .values({ key, window_start: '', n: by, expires_at: endsIfNew })
    .onConflict((oc) =>
      oc.columns(['key', 'window_start']).doUpdateSet({
        n: sql<number>`CASE WHEN counters.expires_at <= ${now} THEN ${by} ELSE counters.n + ${by} END`,
        expires_at: sql<string>`CASE WHEN counters.expires_at <= ${now} THEN excluded.expires_at ELSE counters.expires_at END`,
      }),
    )
    .returning(['n', 'expires_at'])
    .executeTakeFirstOrThrow()
  return { n: Number(r.n), expiresAt: r.expires_at }
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
