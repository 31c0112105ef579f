import type { Db } from '../connection'

export interface IdempotencyRecord {
  scope: string
  key: string
  request_hash: string
  /** null while the first request is still running */
  status_code: number | null
  response_body: string | null
  created_at: string
}

/**
 * Claims (scope, key) for a request. INSERT OR IGNORE on the primary key is atomic, so of two
 * concurrent requests with one key exactly one claims it; the other gets false and reads
 * the claim. Returns true when this request owns the key.
 */
export async function claimIdempotencyKey(
  db: Db,
  row: { scope: string; key: string; request_hash: string; created_at: string },
): Promise<boolean> {
  const r = await db
    .insertInto('idempotency_keys')
    .values({ ...row, status_code: null, response_body: null })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0
}

export async function findIdempotencyKey(
  db: Db,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst()
}

/** Stores the first response so repeats can replay it. */
export async function completeIdempotencyKey(
  db: Db,
  scope: string,
  key: string,
  statusCode: number,
  body: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response_body: body })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute()
}

/** Releases a claim (the request failed on our side, or a remembered key has expired). */
export async function releaseIdempotencyKey(
  db: Db,
  scope: string,
  key: string,
  createdAt?: string,
): Promise<void> {
  let q = db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key)
  if (createdAt) q = q.where('created_at', '=', createdAt)
  await q.execute()
}

/** Forgets keys created before `before`. */
export async function purgeIdempotencyKeys(db: Db, before: string): Promise<number> {
  const r = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', before)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
