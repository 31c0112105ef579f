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

  it('remembers a value once per kind, until it stops mattering', () => {
    const db = store.sqlite
    expect(rememberOnce(db, 'envelope', 'sig-1', 2_000)).toBe(true)
    expect(rememberOnce(db, 'envelope', 'sig-1', 2_000)).toBe(false)
    // Another kind, another value: not a replay.
    expect(rememberOnce(db, 'challenge', 'sig-1', 2_000)).toBe(true)
    expect(rememberOnce(db, 'envelope', 'sig-2', 3_000)).toBe(true)
    // Only what stopped mattering is forgotten.
    expect(purgeReplayGuard(db, 2_500)).toBe(2)
    expect(rememberOnce(db, 'envelope', 'sig-2', 3_000)).toBe(false)
    expect(rememberOnce(db, 'envelope', 'sig-1', 2_000)).toBe(true)
  })
})
