import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { checkAddress, checkTarget } from './target'
import { send } from './send'

// One public-looking address stands for "this machine's own interface" (a VPS's public IP).
const OWN_PUBLIC = '93.184.216.99'
vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof import('node:os')>()
  return {
    ...os,
    networkInterfaces: () => ({
      ...os.networkInterfaces(),
      eth9: [
        {
          address: OWN_PUBLIC,
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '00:00:00:00:00:00',
          internal: false,
          cidr: `${OWN_PUBLIC}/24`,
        },
      ],
    }),
  }
})

const user = { allowPrivate: false, selfPort: 47293 }
const admin = { allowPrivate: true, selfPort: 47293 }
const other = new URL('http://receiver.test:8080/hook')
const self = new URL('http://receiver.test:47293/hook')
const PRIVATE_MSG = 'Webhook URLs on loopback or private networks need an admin to allow them'

describe('webhook target addresses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback /8'],
    ['::1', 'IPv6 loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback, dotted'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex (what the URL parser makes of it)'],
    ['[::ffff:7f00:1]', 'IPv4-mapped loopback in URL brackets'],
    ['::127.0.0.1', 'IPv4-compatible ::/96'],
    ['::a00:1', 'IPv4-compatible 10.0.0.1'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the cloud metadata address'],
    ['0x7f.1', 'hex IPv4'],
    ['2130706433', 'decimal IPv4'],
    ['017700000001', 'octal IPv4'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['::', 'IPv6 unspecified'],
    ['10.1.2.3', 'private 10/8'],
    ['172.20.0.1', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with zone'],
    ['fd00::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'IPv6 multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation range'],
    ['2002:7f00:1::', '6to4'],
    [OWN_PUBLIC, "this machine's own interface address"],
    [`::ffff:${OWN_PUBLIC}`, "this machine's own interface address, IPv4-mapped"],
    ['not-an-address', 'unparsable'],
  ])('refuses %s (%s) for a user, allows it for an admin on another port', (address) => {
    expect(() => checkAddress(other, address, user)).toThrow(PRIVATE_MSG)
    expect(checkAddress(other, address, admin)).toBeUndefined()
  })

  it.each([
    ['8.8.8.8'],
    ['93.184.216.34'],
    ['2606:4700::1111'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
  ])('allows the public address %s for a user', (address) => {
    expect(checkAddress(other, address, user)).toBeUndefined()
  })

  it.each([
    ['127.0.0.1'],
    ['::ffff:7f00:1'],
    ['::127.0.0.1'],
    ['64:ff9b::7f00:1'],
    ['0.0.0.0'],
    [OWN_PUBLIC],
  ])("refuses Keywarden's own port on %s even for an admin", (address) => {
    expect(() => checkAddress(self, address, admin)).toThrow(
      'A webhook cannot target Keywarden itself',
    )
  })

  it.each([
    ['http://[::ffff:127.0.0.1]:8080/x'],
    ['http://[::ffff:7f00:1]:8080/x'],
    ['http://[::127.0.0.1]:8080/x'],
    ['http://[64:ff9b::7f00:1]:8080/x'],
    ['http://2130706433:8080/x'],
    ['http://0x7f.0.0.1:8080/x'],
    ['http://0177.0.0.1:8080/x'],
    ['http://localhost:8080/x'],
    [`http://${OWN_PUBLIC}:8080/x`],
  ])('refuses the URL %s when saved by a user', async (url) => {
    await expect(checkTarget(url, user)).rejects.toThrow(PRIVATE_MSG)
  })
})

describe('webhook sends decide at connect time', () => {
  let server: Server
  let port = 0
  const hits: string[] = []
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '')
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal secret page')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it.each([['http://[::ffff:7f00:1]:PORT/mapped'], ['http://localhost:PORT/by-name']])(
    'a user-owned send to %s never reaches a loopback receiver',
    async (template) => {
      const url = template.replace('PORT', String(port))
      const r = await send(url, {}, '{}', { allowPrivate: false, selfPort: null })
      expect(r).toMatchObject({
        ok: false,
        statusCode: null,
        error: expect.stringContaining(PRIVATE_MSG),
      })
      expect(hits).toEqual([])
    },
  )

  it("keeps the status of a failed send and never the receiver's body", async () => {
    const r = await send(`http://127.0.0.1:${port}/allowed`, {}, '{}', {
      allowPrivate: true,
      selfPort: null,
    })
    expect(r).toMatchObject({ ok: false, statusCode: 500, error: 'HTTP 500' })
    expect(hits).toEqual(['/allowed'])
  })
})
