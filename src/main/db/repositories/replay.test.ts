import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../connection'
import { openTestStore } from '../../../../test/helpers/store'
import { purgeReplayGuard, rememberOnce } from './replay'

describe('replay guard', () => {
  let store: Store
  beforeEach(async () => {
    store = await openTestStore()
  })
  afterEach(() => store.close())

  it('remembers a value once per kind, until it stops mattering', async () => {
    const db = store.db
    expect(await rememberOnce(db, 'envelope', 'sig-1', 2_000)).toBe(true)
    expect(await rememberOnce(db, 'envelope', 'sig-1', 2_000)).toBe(false)
    // Another kind, another value: not a replay.
    expect(await rememberOnce(db, 'challenge', 'sig-1', 2_000)).toBe(true)
    expect(await rememberOnce(db, 'envelope', 'sig-2', 3_000)).toBe(true)
    // Only what stopped mattering is forgotten.
    expect(await purgeReplayGuard(db, 2_500)).toBe(2)
    expect(await rememberOnce(db, 'envelope', 'sig-2', 3_000)).toBe(false)
    expect(await rememberOnce(db, 'envelope', 'sig-1', 2_000)).toBe(true)
  })

  it('counts a value remembered by a transaction that rolled back as unseen', async () => {
    await expect(
      store.tx(async (trx) => {
        expect(await rememberOnce(trx, 'envelope', 'sig-3', 2_000)).toBe(true)
        throw new Error('refused after remembering')
      }),
    ).rejects.toThrow('refused after remembering')
    expect(await store.tx((trx) => rememberOnce(trx, 'envelope', 'sig-3', 2_000))).toBe(true)
    expect(await store.tx((trx) => rememberOnce(trx, 'envelope', 'sig-3', 2_000))).toBe(false)
  })
})
