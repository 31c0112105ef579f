import { describe, expect, it } from 'vitest'
import { ipAllowed } from './ip'

describe('IP allow-lists', () => {
  it('allows everyone when empty', () => {
    expect(ipAllowed([], '198.51.100.7')).toBe(true)
  })
  it('matches single addresses and CIDR blocks, IPv4 and IPv6', () => {
    const list = ['127.0.0.1', '203.0.113.0/24', '2001:db8::/32']
    expect(ipAllowed(list, '127.0.0.1')).toBe(true)
    expect(ipAllowed(list, '::ffff:127.0.0.1')).toBe(true)
    expect(ipAllowed(list, '203.0.113.200')).toBe(true)
    expect(ipAllowed(list, '203.0.114.1')).toBe(false)
    expect(ipAllowed(list, '2001:db8:1::5')).toBe(true)
    expect(ipAllowed(list, '2001:db9::5')).toBe(false)
    expect(ipAllowed(list, 'not-an-ip')).toBe(false)
  })
})
