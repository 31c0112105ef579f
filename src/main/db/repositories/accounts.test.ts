import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../connection'
import { openTestStore } from '../../../../test/helpers/store'
import type { Db } from '../connection'
import {
  countAccountsForRegistration,
  countActiveAdminsForChange,
  insertAccount,
  updateAccount,
} from './accounts'

function account(id: string) {
  const now = new Date().toISOString()
  return {
    id,
    email: `${id}@example.com`,
    display_name: id,
    password_hash: 'x',
    role: 'admin' as const,
    is_active: 1,
    auth_secret: 's',
    auth_secret_hash: `a-${id}`,
    store_secret: 's',
    store_secret_hash: `s-${id}`,
    created_at: now,
    updated_at: now,
    last_login_at: null,
  }
}

describe('accounts: the registration count', () => {
  let store: Store
  beforeEach(async () => {
    store = await openTestStore()
  })
  afterEach(() => store.close())

  /**
   * A counts, then holds its transaction open while B counts, then writes and commits. With the
   * lock B waits and counts what A committed; without it PostgreSQL (READ COMMITTED) answers B
   * at once with the old count.
   */
  async function interleave(
    count: (trx: Db) => Promise<number>,
    write: (trx: Db) => Promise<unknown>,
  ): Promise<[number, number]> {
    let counted!: () => void
    const aCounted = new Promise<void>((r) => (counted = r))
    let release!: () => void
    const aMayWrite = new Promise<void>((r) => (release = r))
    const a = store.db.transaction().execute(async (trx) => {
      const n = await count(trx)
      counted()
      await aMayWrite
      await write(trx)
      return n
    })
    await aCounted
    const b = store.db.transaction().execute((trx) => count(trx))
    await new Promise((r) => setTimeout(r, 150))
    release()
    return [await a, await b]
  }

  it('makes a second registration wait for the first one and count its row', async () => {
    const counts = await interleave(countAccountsForRegistration, (trx) =>
      insertAccount(trx, account('first')),
    )
    expect(counts).toEqual([0, 1])
  })

  it('makes a second demotion wait for the first one and count the admins it left', async () => {
    await insertAccount(store.db, account('x'))
    await insertAccount(store.db, account('y'))
    const counts = await interleave(countActiveAdminsForChange, (trx) =>
      updateAccount(trx, 'x', { role: 'user' }),
    )
    expect(counts).toEqual([2, 1])
  })
})
