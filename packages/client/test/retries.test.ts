import { describe, expect, it } from 'vitest'
import {
  KeywardenClient,
  LicenseBannedError,
  NetworkError,
  RateLimitedError,
  backoffDelay,
  parseRetryAfter,
} from '../src/index.js'

/** A client over a scripted fetch: each call takes the next answer (or throws it). */
function scripted(answers: (Response | Error)[], retry = {}) {
  const calls: string[] = []
  const waits: number[] = []
  const c = new KeywardenClient({
    baseUrl: 'http://server.invalid/',
    productId: 'p',
    publicKeys: {},
    verifyAnswers: false,
    retry,
    random: () => 0.5,
    now: () => Date.parse('2026-12-02T00:00:00Z'),
    sleep: async (ms) => {
      waits.push(ms)
    },
    fetch: async (url) => {
      calls.push(String(url))
      const a = answers.shift()
      if (!a) throw new Error('no more scripted answers')
      if (a instanceof Error) throw a
      return a
    },
  })
  return { c, calls, waits }
}

const okBody = () =>
  new Response(JSON.stringify({ success: true, data: { valid: true, data: '{}', signature: 'x' } }))
const status = (code: number, headers: Record<string, string> = {}, body: unknown = {}) =>
  new Response(JSON.stringify(body), { status: code, headers })
const m = { licenseKey: 'K', hwid: 'H' }

describe('retries never hammer the server', () => {
  it('network failures back off exponentially with full jitter, then succeed', async () => {
    const { c, calls, waits } = scripted([
      new Error('ECONNRESET'),
      new Error('ECONNRESET'),
      okBody(),
    ])
    await c.validate(m)
    expect(calls).toEqual(Array(3).fill('http://server.invalid/api/client/validate'))
    // random 0.5 of min(30 s, 500 ms · 2^attempt)
    expect(waits).toEqual([250, 500])
  })

  it('gives up after `retries` with NetworkError (4 attempts by default, no more)', async () => {
    const { c, calls, waits } = scripted(Array(10).fill(new Error('ECONNREFUSED')))
    const e = await c.validate(m).catch((x) => x)
    expect(e).toBeInstanceOf(NetworkError)
    expect(e.message).toMatch(
      /^No answer from http:\/\/server\.invalid\/api\/client\/validate: ECONNREFUSED/,
    )
    expect(calls).toHaveLength(4)
    expect(waits).toEqual([250, 500, 1000])
  })

  it('429 waits at least Retry-After, and reports RateLimitedError once retries are spent', async () => {
    const limited = () =>
      status(
        429,
        { 'retry-after': '7' },
        { success: false, error_code: 'RATE_LIMITED', message: 'slow down' },
      )
    const { c, waits } = scripted([limited(), limited(), limited()], { retries: 2 })
    const e = await c.validate(m).catch((x) => x)
    expect(e).toBeInstanceOf(RateLimitedError)
    expect(e).toMatchObject({ status: 429, retryAfter: 7, message: 'slow down' })
    expect(waits).toEqual([7000, 7000])
  })

  it('a Retry-After longer than maxRetryAfterMs is not waited out: the caller decides', async () => {
    const { c, waits, calls } = scripted([status(429, { 'retry-after': '3600' })])
    const e = await c.validate(m).catch((x) => x)
    expect(e).toBeInstanceOf(RateLimitedError)
    expect(e.retryAfter).toBe(3600)
    expect(calls).toHaveLength(1)
    expect(waits).toEqual([])
  })

  it('503 and 502 are retried; a refusal (4xx) is not', async () => {
    const { c, calls } = scripted([status(503), status(502), okBody()])
    await c.validate(m)
    expect(calls).toHaveLength(3)
    const banned = scripted([
      status(
        403,
        {},
        { success: false, error_code: 'LICENSE_BANNED', message: 'Key has been banned' },
      ),
    ])
    await expect(banned.c.validate(m)).rejects.toBeInstanceOf(LicenseBannedError)
    expect(banned.calls).toHaveLength(1)
  })

  it('backoffDelay caps at maxMs and never goes below Retry-After; parseRetryAfter reads both forms', () => {
    const p = { baseMs: 500, maxMs: 4000 }
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, p, () => 0.999999))).toEqual([
      499, 999, 1999, 3999, 3999, 3999,
    ])
    expect(backoffDelay(0, p, () => 0, 2000)).toBe(2000)
    const now = Date.parse('2026-12-02T00:00:00Z')
    expect(parseRetryAfter('12', now)).toBe(12_000)
    expect(parseRetryAfter('Wed, 02 Dec 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
})
