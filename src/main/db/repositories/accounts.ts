import { dialectSql } from '../dialects'
import type { Db } from '../connection'
import type { Account, AccountsTable, NewAccount } from '../schema'
import type { Updateable } from 'kysely'

export async function countAccounts(db: Db): Promise<number> {
  const r = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Counts the accounts inside a registration's transaction, after taking the dialect's
 * registration lock: two concurrent registrations see each other's row. */
export async function countAccountsForRegistration(trx: Db): Promise<number> {
  await dialectSql(trx).lockAccountsForCount(trx)
  return countAccounts(trx)
}

export async function insertAccount(db: Db, row: NewAccount): Promise<Account> {
  return db.insertInto('accounts').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function findAccountById(db: Db, id: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findAccountByEmail(db: Db, email: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst()
}

export async function findAccountByAuthSecretHash(
  db: Db,
  hash: string,
): Promise<Account | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('auth_secret_hash', '=', hash)
    .executeTakeFirst()
}

export async function findAccountByStoreSecretHash(
  db: Db,
  hash: string,
): Promise<Account | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('store_secret_hash', '=', hash)
    .executeTakeFirst()
}

export async function listAccounts(db: Db): Promise<Account[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .orderBy('created_at', 'asc')
    .orderBy('email')
    .execute()
}

export async function updateAccount(
  db: Db,
  id: string,
  patch: Updateable<AccountsTable>,
): Promise<Account | undefined> {
  return db
    .updateTable('accounts')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/** Adds 1 to token_version: every token issued before stops working. */
export async function bumpTokenVersion(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({ token_version: eb('token_version', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .execute()
}

/**
 * Active accounts that may administer the installation (admin or owner), counted inside a
 * role change's transaction after the dialect's lock: two admins demoting each other at once
 * cannot leave none.
 */
export async function countActiveAdminsForChange(db: Db): Promise<number> {
  await dialectSql(db).lockAccountsForCount(db)
  const r = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('is_active', '=', 1)
    .where('role', 'in', ['admin', 'owner'])
    .executeTakeFirstOrThrow()
  return Number(r.n)
}
