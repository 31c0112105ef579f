import { describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { signAccessToken, TokenError, verifyAccessToken } from './jwt'

const secret = new Uint8Array(64).fill(7)
const claims = { sub: 'acc-1', ver: 3, auth_time: 1_700_000_000 }
const t0 = new Date('2026-01-01T00:00:00Z')

describe('access tokens', () => {
  it('round-trips the claims before expiry', async () => {
    const t = await signAccessToken(secret, claims, { now: t0, ttlSeconds: 3600 })
    expect(await verifyAccessToken(secret, t, { now: new Date(t0.getTime() + 3599_000) })).toEqual(
      claims,
    )
  })

  it('says expired after the TTL, and accepts it within a grace period', async () => {
    const t = await signAccessToken(secret, claims, { now: t0, ttlSeconds: 60 })
    const later = new Date(t0.getTime() + 3600_000)
    await expect(verifyAccessToken(secret, t, { now: later })).rejects.toMatchObject({
      problem: 'expired',
    })
    expect(await verifyAccessToken(secret, t, { now: later, graceSeconds: 7200 })).toEqual(claims)
  })

  it('refuses another key, a tampered payload, HS512 and a foreign audience', async () => {
    const t = await signAccessToken(secret, claims, { now: t0, ttlSeconds: 3600 })
    const now = { now: t0 }
    await expect(verifyAccessToken(new Uint8Array(64).fill(8), t, now)).rejects.toBeInstanceOf(
      TokenError,
    )
    const [h, , sig] = t.split('.')
    const forged = Buffer.from(
      JSON.stringify({ ...claims, sub: 'admin', iss: 'keywarden' }),
    ).toString('base64url')
    await expect(verifyAccessToken(secret, `${h}.${forged}.${sig}`, now)).rejects.toMatchObject({
      problem: 'invalid',
    })
    const hs512 = await new SignJWT({ ver: 3, auth_time: 1 })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('acc-1')
      .setIssuer('keywarden')
      .setAudience('keywarden:management')
      .setIssuedAt(t0)
      .setExpirationTime(new Date(t0.getTime() + 3600_000))
      .sign(secret)
    await expect(verifyAccessToken(secret, hs512, now)).rejects.toMatchObject({
      problem: 'invalid',
    })
    const otherAud = await new SignJWT({ ver: 3, auth_time: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('acc-1')
      .setIssuer('keywarden')
      .setAudience('someone-else')
      .setIssuedAt(t0)
      .setExpirationTime(new Date(t0.getTime() + 3600_000))
      .sign(secret)
    await expect(verifyAccessToken(secret, otherAud, now)).rejects.toMatchObject({
      problem: 'invalid',
    })
  })
})
