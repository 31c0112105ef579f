import type { Selectable } from 'kysely'
import type { Executor } from '../types'
import type { ConsoleSessionsTable } from '../schema'

export type ConsoleSessionRow = Selectable<ConsoleSessionsTable>

export async function insertConsoleSession(ex: Executor, row: ConsoleSessionRow): Promise<void> {
  await ex.insertInto('console_sessions').values(row).execute()
}

/** The session with this token hash, unless it expired at `now`. */
export async function findConsoleSession(
  ex: Executor,
  tokenHash: string,
  now: string,
): Promise<ConsoleSessionRow | undefined> {
  return ex
    .selectFrom('console_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>=', now)
    .executeTakeFirst()
}

export async function touchConsoleSession(
  ex: Executor,
  tokenHash: string,
  now: string,
): Promise<void> {
  await ex
    .updateTable('console_sessions')
    .set({ last_seen_at: now })
    .where('token_hash', '=', tokenHash)
    .execute()
}

/** Changes who a session acts as (the setup token made the first account). */
export async function setConsoleSessionActor(
  ex: Executor,
  tokenHash: string,
  actor: string,
  accountId: string | null,
): Promise<void> {
  await ex
    .updateTable('console_sessions')
    .set({ actor, account_id: accountId })
    .where('token_hash', '=', tokenHash)
    .execute()
}

export async function deleteConsoleSession(ex: Executor, tokenHash: string): Promise<void> {
  await ex.deleteFrom('console_sessions').where('token_hash', '=', tokenHash).execute()
}

/** Logs one account out everywhere. */
export async function deleteAccountConsoleSessions(ex: Executor, accountId: string): Promise<void> {
  await ex.deleteFrom('console_sessions').where('account_id', '=', accountId).execute()
}

export async function purgeExpiredConsoleSessions(ex: Executor, now: string): Promise<void> {
  await ex.deleteFrom('console_sessions').where('expires_at', '<', now).execute()
}
