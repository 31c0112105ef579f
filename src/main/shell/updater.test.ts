import { afterEach, describe, expect, it, vi } from 'vitest'
import { createUpdateChecker } from './updater'

afterEach(() => vi.useRealTimers())

describe('automatic update checks', () => {
  it('checks when switched on and periodically, stops when switched off', async () => {
    vi.useFakeTimers()
    const check = vi.fn(async () => null)
    const u = createUpdateChecker({
      load: () => ({ checkForUpdatesAndNotify: check }),
      everyMs: 1000,
    })
    expect(check).not.toHaveBeenCalled()
    u.apply(true)
    u.apply(true)
    expect(check).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(2000)
    expect(check).toHaveBeenCalledTimes(3)
    u.apply(false)
    expect(u.running).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(check).toHaveBeenCalledTimes(3)
  })

  it('logs a failed check (offline, no feed, the updater missing) and never throws', async () => {
    const lines: string[] = []
    const offline = createUpdateChecker({
      load: () => ({
        checkForUpdatesAndNotify: () => Promise.reject(new Error('net::ERR_INTERNET_DISCONNECTED')),
      }),
      log: (l) => lines.push(l),
    })
    await expect(offline.check()).resolves.toBeUndefined()
    const missing = createUpdateChecker({
      load: () => {
        throw new Error("Cannot find module 'electron-updater'")
      },
      log: (l) => lines.push(l),
    })
    await expect(missing.check()).resolves.toBeUndefined()
    expect(lines).toEqual([
      'Update check failed: net::ERR_INTERNET_DISCONNECTED',
      "Update check failed: Cannot find module 'electron-updater'",
    ])
  })
})
