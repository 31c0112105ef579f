import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LicenseBannedError, NetworkError, type Verdict } from '../src/index.js'
import { sdkServer, type SdkServer } from './setup'

let s: SdkServer
beforeAll(async () => {
  s = await sdkServer()
})
afterAll(async () => {
  await s.srv.stop()
})

/**
 * An injected sleep: each wait is recorded and resolves at once (no real time passes), and
 * `down` makes the next heartbeats fail as if the network were gone.
 */
function rig(productId: string, down: { n: number }) {
  const waits: number[] = []
  const c = s.client(productId, {
    random: () => 0.5,
    sleep: async (ms, signal) => {
      waits.push(ms)
      if (signal?.aborted) return
    },
    fetch: async (url, init) => {
      if (String(url).endsWith('/heartbeat') && down.n > 0) {
        down.n--
        throw new Error('ENETUNREACH')
      }
      return fetch(url, init)
    },
  })
  return { c, waits }
}

describe('the heartbeat loop', () => {
  it('beats every interval; while it fails it backs off (exponential, jittered, capped), then recovers', async () => {
    const { product, key } = await s.seed()
    const down = { n: 0 }
    const { c, waits } = rig(product.id, down)
    const m = { licenseKey: key, hwid: 'hb-1' }
    await c.activate(m)
    const beats: Verdict[] = []
    const errors: { fatal: boolean; failures: number; nextDelayMs: number | null }[] = []
    let loop!: ReturnType<typeof c.startHeartbeat>
    await new Promise<void>((resolve) => {
      loop = c.startHeartbeat(m, {
        intervalMs: 60_000,
        backoffMaxMs: 40_000,
        onBeat: (v) => {
          beats.push(v)
          // Two good beats, then the network goes away for five attempts, then one more good beat.
          if (beats.length === 2) down.n = 5
          if (beats.length === 3) resolve()
        },
        onError: (e, info) => {
          expect(e).toBeInstanceOf(NetworkError)
          errors.push(info)
        },
      })
    })
    await loop.stop()
    expect(loop.running).toBe(false)
    // base = interval / 4 = 15 s; random 0.5 of min(40 s, 15 s · 2^k)
    expect(waits).toEqual([60_000, 60_000, 60_000, 7_500, 15_000, 20_000, 20_000, 20_000, 60_000])
    expect(errors.map((e) => e.failures)).toEqual([1, 2, 3, 4, 5])
    expect(errors.every((e) => !e.fatal)).toBe(true)
    expect(loop.failures).toBe(0)
    // Every beat rotated the token and the server still knows the session.
    expect((await c.validate(m)).valid).toBe(true)
  })

  it('stops for good on a refusal a retry cannot change, and reports it as fatal', async () => {
    const { product, license, key } = await s.seed()
    const { c } = rig(product.id, { n: 0 })
    const m = { licenseKey: key, hwid: 'hb-2' }
    await c.activate(m)
    await s.srv.json(`/api/licenses/${license.id}/ban`, {
      body: { reason: 'chargeback' },
      headers: { authorization: `Bearer ${s.admin}` },
    })
    const fatal = await new Promise<{ e: unknown; fatal: boolean }>((resolve) => {
      c.startHeartbeat(m, { intervalMs: 1000, onError: (e, i) => resolve({ e, fatal: i.fatal }) })
    })
    expect(fatal.fatal).toBe(true)
    expect(fatal.e).toBeInstanceOf(LicenseBannedError)
  })

  it('stop() ends a wait in progress at once', async () => {
    const { product, key } = await s.seed()
    const c = s.client(product.id) // the real sleep: an hour between beats
    const m = { licenseKey: key, hwid: 'hb-3' }
    await c.activate(m)
    let beats = 0
    const loop = c.startHeartbeat(m, { intervalMs: 3_600_000, onBeat: () => beats++ })
    expect(loop.running).toBe(true)
    await loop.stop()
    expect(loop.running).toBe(false)
    expect(beats).toBe(0)
  })
})
