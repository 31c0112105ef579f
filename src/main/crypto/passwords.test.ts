import { describe, expect, it } from 'vitest'
import { hashPassword, needsRehash, unmatchableHash, verifyPassword } from './passwords'

describe('passwords', () => {
  it('are stored as salted scrypt at an OWASP minimum (N=2^15, r=8, p=3) and verify only the right password', async () => {
    const h = await hashPassword('secret123')
    expect(h).toMatch(/^scrypt\$32768\$8\$3\$/)
    expect(h).not.toContain('secret123')
    expect(await verifyPassword('secret123', h)).toBe(true)
    expect(await verifyPassword('secret124', h)).toBe(false)
    expect(needsRehash(h)).toBe(false)
  })

  it('still verify a hash made with the older N=2^15 parameters, which asks for a rehash', async () => {
    // scrypt$32768$8$1 of "secret123" (made by the previous hashPassword).
    const old =
      'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'lcgMmCbdOiwnFvtT5INhKcMSHEDi6SBrX1PUhAY1ZOU'
    expect(needsRehash(old)).toBe(true)
    expect(await verifyPassword('secret123', old)).toBe(true)
  })

  it('still verify a hash made with N=2^17, r=8, p=1 (128 MiB a hash), which asks for a rehash', async () => {
    const old =
      'scrypt$131072$8$1$AQEBAQEBAQEBAQEBAQEBAQ$' + 'Ha3aRFZK5luvDEsNPpEEJDwXmXH_O3dbOkdwOYcBhFA'
    expect(needsRehash(old)).toBe(true)
    expect(await verifyPassword('secret123', old)).toBe(true)
    expect(await verifyPassword('secret124', old)).toBe(false)
  })

  it('reject a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false)
    expect(await verifyPassword('x', 'scrypt$3$8$1$AAAA$AAAA')).toBe(false)
  })

  it('have an unmatchable hash at the same cost for unknown emails', async () => {
    const u = unmatchableHash()
    expect(u).toMatch(/^scrypt\$32768\$8\$3\$/)
    expect(await verifyPassword('', u)).toBe(false)
  })
})
