import type { Db, Executor } from '../types'
import type { ApiKey, NewApiKey, Role } from '../schema'

export async function insertApiKey(db: Db, row: NewApiKey): Promise<ApiKey> {
  return db.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function findApiKey(db: Db, id: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
}

export type ApiKeyWithAccount = ApiKey & {
  account_role: Role | null
  account_active: number | null
}

/**
 * Every request with X-API-Key runs this: one seek on the unique key_hash index, joined with
 * the key's account (its role scopes what the key sees; a deactivated account's keys stop).
 */
export async function findApiKeyByHash(
  db: Db,
  hash: string,
): Promise<ApiKeyWithAccount | undefined> {
  return db
    .selectFrom('api_keys')
    .leftJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .selectAll('api_keys')
    .select(['accounts.role as account_role', 'accounts.is_active as account_active'])
    .where('api_keys.key_hash', '=', hash)
    .executeTakeFirst()
}

/** Keys of one account (or, with `accountId` undefined, every key), newest first. */
export async function listApiKeys(db: Db, accountId?: string | null): Promise<ApiKey[]> {
  let q = db.selectFrom('api_keys').selectAll()
  if (accountId !== undefined) {
    q =
      accountId === null ? q.where('account_id', 'is', null) : q.where('account_id', '=', accountId)
  }
  return q.orderBy('created_at', 'desc').orderBy('id').execute()
}

/** Marks a key revoked; false when it does not exist or was already revoked. */
export async function revokeApiKey(db: Db, id: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/**
 * Records that a key was used. Kept cheap for a key used thousands of times a minute: the row is
 * only written when the IP changed or the last write is older than `staleBefore` (so a busy key
 * costs one write per interval, not per request). One statement: atomic on its own.
 */
export async function touchApiKey(
  ex: Executor,
  id: string,
  at: string,
  ip: string,
  staleBefore: string,
): Promise<void> {
  await ex
    .updateTable('api_keys')
    .set({ last_used_at: at, last_used_ip: ip })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', staleBefore),
        eb('last_used_ip', 'is distinct from', ip),
      ]),
    )
    .execute()
}
