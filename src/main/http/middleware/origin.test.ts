import { describe, expect, it } from 'vitest'
import { AddressList } from '../../services/settings/trust'
import { hostName, resolveClient } from './origin'

const trusted = new AddressList(['127.0.0.1', '10.0.0.0/8', 'fd00::/8'])

describe('request origin: who the client is', () => {
  it.each([
    ['a direct local request', '127.0.0.1', {}, '127.0.0.1', true, null],
    ['a dual-stack local request', '::ffff:127.0.0.1', {}, '127.0.0.1', true, null],
    ['a LAN peer', '192.168.1.5', {}, '192.168.1.5', false, null],
    [
      'an untrusted local hop with a forwarding header',
      '127.0.0.2',
      { 'x-forwarded-for': '127.0.0.1' },
      '127.0.0.2',
      false,
      null,
    ],
    [
      'a LAN peer claiming loopback',
      '192.168.1.5',
      { 'x-forwarded-for': '127.0.0.1' },
      '192.168.1.5',
      false,
      null,
    ],
    [
      'a trusted proxy naming a LAN client',
      '127.0.0.1',
      { 'x-forwarded-for': '192.168.1.50' },
      '192.168.1.50',
      false,
      '127.0.0.1',
    ],
    [
      'a spoofed left entry behind two trusted hops',
      '127.0.0.1',
      { 'x-forwarded-for': '127.0.0.1, 203.0.113.9, 10.1.2.3' },
      '203.0.113.9',
      false,
      '127.0.0.1',
    ],
    [
      'RFC 7239 Forwarded with an IPv6 client and port',
      '127.0.0.1',
      { forwarded: 'for="[2001:db8::1]:4711";proto=https' },
      '2001:db8::1',
      false,
      '127.0.0.1',
    ],
    [
      'an address with a port in X-Forwarded-For',
      '10.0.0.7',
      { 'x-forwarded-for': '198.51.100.2:5555' },
      '198.51.100.2',
      false,
      '10.0.0.7',
    ],
    [
      'an unreadable hop (never local)',
      '127.0.0.1',
      { forwarded: 'for=unknown' },
      '127.0.0.1',
      false,
      '127.0.0.1',
    ],
    [
      'a local browser through a trusted local proxy',
      '127.0.0.1',
      { 'x-forwarded-for': '::1' },
      '::1',
      true,
      '127.0.0.1',
    ],
  ] as const)('%s', (_name, peer, headers, clientIp, isLocal, proxyIp) => {
    expect(resolveClient(peer, headers, trusted)).toEqual({
      clientIp,
      isLocal,
      viaProxy: proxyIp !== null,
      proxyIp,
    })
  })

  it('reads the Host name without port, brackets or trailing dot', () => {
    expect(['Example.COM:8080', '[::1]:47293', 'localhost.', '127.0.0.1'].map(hostName)).toEqual([
      'example.com',
      '::1',
      'localhost',
      '127.0.0.1',
    ])
  })
})
