import type { Executor } from '../types'
import type { HirezDeveloper, HirezDevelopersTable, Role } from '../schema'
import type { Updateable } from 'kysely'
import { dialectSql } from '../dialects'

/** A credential with its account's role and active flag (what the credential acts as). */
export type HirezDeveloperRow = HirezDeveloper & {
  account_role: Role | null
  account_active: number | null
}

export async function insertDeveloper(ex: Executor, row: HirezDeveloper): Promise<void> {
  await ex.insertInto('hirez_developers').values(row).execute()
}

function withAccount(ex: Executor) {
  return ex
    .selectFrom('hirez_developers')
    .leftJoin('accounts', 'accounts.id', 'hirez_developers.account_id')
    .selectAll('hirez_developers')
    .select(['accounts.role as account_role', 'accounts.is_active as account_active'])
}

/** One credential by its devId (every signed request reads it: the primary key). */
export async function findDeveloper(
  ex: Executor,
  devId: number,
): Promise<HirezDeveloperRow | undefined> {
  return withAccount(ex).where('hirez_developers.dev_id', '=', devId).executeTakeFirst()
}

/**
 * Locks a credential's row to the end of the transaction (PostgreSQL; SQLite's one writer
 * already serializes): two nodes creating sessions for one credential take turns, so the
 * concurrent-session count each reads includes the other's.
 */
export async function lockDeveloper(ex: Executor, devId: number): Promise<boolean> {
  const q = ex.selectFrom('hirez_developers').select('dev_id').where('dev_id', '=', devId)
  return (await dialectSql(ex).forUpdate(q).executeTakeFirst()) !== undefined
}

/** Credentials of one account (null: the installation's), or all with `accountId` undefined. */
export async function listDevelopers(
  ex: Executor,
  accountId?: string | null,
): Promise<HirezDeveloperRow[]> {
  let q = withAccount(ex)
  if (accountId !== undefined) {
    q =
      accountId === null
        ? q.where('hirez_developers.account_id', 'is', null)
        : q.where('hirez_developers.account_id', '=', accountId)
  }
  return q.orderBy('hirez_developers.created_at', 'desc').execute()
}

export async function updateDeveloper(
  ex: Executor,
  devId: number,
  patch: Updateable<HirezDevelopersTable>,
): Promise<void> {
  await ex.updateTable('hirez_developers').set(patch).where('dev_id', '=', devId).execute()
}

/** Notes a use, at most once per `stale` interval per credential (one write, not one a request). */
export async function touchDeveloper(
  ex: Executor,
  devId: number,
  now: string,
  stale: string,
): Promise<void> {
  await ex
    .updateTable('hirez_developers')
    .set({ last_used_at: now })
    .where('dev_id', '=', devId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
    .execute()
}

/**
 * Takes `n` licenses from a credential's allotment, only if that many are left: one
 * conditional UPDATE, so two nodes cannot both spend the last ones. False: not enough left.
 */
export async function reserveAllotment(ex: Executor, devId: number, n: number): Promise<boolean> {
  const r = await ex
    .updateTable('hirez_developers')
    .set((eb) => ({ licenses_created: eb('licenses_created', '+', n) }))
    .where('dev_id', '=', devId)
    .where((eb) => eb(eb('licenses_created', '+', n), '<=', eb.ref('license_allotment')))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Gives back what `reserveAllotment` took when the licenses were not created after all. */
export async function releaseAllotment(ex: Executor, devId: number, n: number): Promise<void> {
  await ex
    .updateTable('hirez_developers')
    .set((eb) => ({ licenses_created: eb('licenses_created', '-', n) }))
    .where('dev_id', '=', devId)
    .execute()
}

export async function insertSession(
  ex: Executor,
  row: { id_hash: string; dev_id: number; created_at: string; expires_at: string },
): Promise<void> {
  await ex
    .insertInto('hirez_sessions')
    .values({ ...row, revoked_at: null })
    .execute()
}

/** True when the session exists for this credential, is not revoked and has not ended. */
export async function sessionLive(
  ex: Executor,
  idHash: string,
  devId: number,
  now: string,
): Promise<boolean> {
  const r = await ex
    .selectFrom('hirez_sessions')
    .select('dev_id')
    .where('id_hash', '=', idHash)
    .where('dev_id', '=', devId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return r !== undefined
}

/** Live sessions per credential (for the ones given). */
export async function countLiveSessions(
  ex: Executor,
  devIds: number[],
  now: string,
): Promise<Map<number, number>> {
  if (devIds.length === 0) return new Map()
  const rows = await ex
    .selectFrom('hirez_sessions')
    .select(['dev_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('dev_id', 'in', devIds)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .groupBy('dev_id')
    .execute()
  return new Map(rows.map((r) => [Number(r.dev_id), Number(r.n)]))
}

/** Ends every live session of a credential (revoke, re-key); returns how many. */
export async function endSessions(ex: Executor, devId: number, now: string): Promise<number> {
  const r = await ex
    .updateTable('hirez_sessions')
    .set({ revoked_at: now })
    .where('dev_id', '=', devId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Deletes a credential's sessions that ended (expired or revoked) before `before`. */
export async function purgeSessions(ex: Executor, devId: number, before: string): Promise<void> {
  await ex
    .deleteFrom('hirez_sessions')
    .where('dev_id', '=', devId)
    .where((eb) => eb.or([eb('expires_at', '<=', before), eb('revoked_at', '<=', before)]))
    .execute()
}

/** The counts of the given counter keys whose window has not ended at `now` (0 if absent). */
export async function readCounters(
  ex: Executor,
  keys: string[],
  now: string,
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map()
  const rows = await ex
    .selectFrom('counters')
    .select(['key', 'n'])
    .where('key', 'in', keys)
    .where('window_start', '=', '')
    .where('expires_at', '>', now)
    .execute()
  return new Map(rows.map((r) => [r.key, Number(r.n)]))
}
