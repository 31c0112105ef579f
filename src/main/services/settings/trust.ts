import { BlockList, isIP } from 'node:net'

/** `::ffff:203.0.113.5` (an IPv4 peer on a dual-stack socket) reads as `203.0.113.5`. */
export function plainIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip.trim())
  return m ? m[1] : ip.trim()
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1)$/

/** True for this machine's loopback addresses (127.0.0.0/8, ::1, and their mapped forms). */
export function isLoopbackIp(ip: string): boolean {
  return LOOPBACK.test(plainIp(ip))
}

/** True when `entry` is an IPv4/IPv6 address or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrCidr(entry: string): boolean {
  const [addr, bits, extra] = entry.trim().split('/')
  const family = isIP(addr)
  if (family === 0 || extra !== undefined) return false
  if (bits === undefined) return true
  const prefix = Number(bits)
  return /^\d+$/.test(bits) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)
}

/** A list of addresses and CIDR blocks an IP can be checked against. */
export class AddressList {
  private readonly list = new BlockList()
  readonly size: number

  constructor(entries: readonly string[]) {
    let n = 0
    for (const raw of entries) {
      if (!isAddressOrCidr(raw)) continue
      const [addr, bits] = raw.trim().split('/')
      const ip = plainIp(addr)
      const type = isIP(ip) === 4 ? 'ipv4' : 'ipv6'
      if (bits === undefined) this.list.addAddress(ip, type)
      else this.list.addSubnet(ip, Number(bits), type)
      n += 1
    }
    this.size = n
  }

  has(rawIp: string): boolean {
    const ip = plainIp(rawIp)
    const family = isIP(ip)
    if (family === 0 || this.size === 0) return false
    return this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6')
  }
}

/** A host name as the Host header carries it (no port, no brackets), lower case. */
export function isHostName(entry: string): boolean {
  const h = entry.trim().toLowerCase()
  return (
    isIP(h) !== 0 ||
    /^(?=.{1,253}$)(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/.test(
      h,
    )
  )
}

/** Splits a CLI or environment value (`a,b c`) into entries. */
export function splitList(values: readonly (string | undefined)[]): string[] {
  return values
    .flatMap((v) => (v ?? '').split(/[\s,]+/))
    .map((v) => v.trim())
    .filter((v) => v !== '')
}
