import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from './passwords'

describe('passwords', () => {
  it('are stored as salted scrypt and verify only the right password', async () => {
    const h = await hashPassword('secret123')
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(h).not.toContain('secret123')
    expect(await verifyPassword('secret123', h)).toBe(true)
    expect(await verifyPassword('secret124', h)).toBe(false)
    expect(await hashPassword('secret123')).not.toBe(h)
  })

  it('reject a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false)
  })
})
