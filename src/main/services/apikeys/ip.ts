import { BlockList, isIP } from 'node:net'

/** `::ffff:203.0.113.5` (an IPv4 client on a dual-stack socket) reads as `203.0.113.5`. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return m ? m[1] : ip
}

/**
 * True when `ip` is in the allow-list of addresses and CIDR blocks. An empty list allows
 * every address. Entries were validated when the key was created; a malformed one (edited
 * by hand in the database) allows nothing rather than everything.
 */
export function ipAllowed(allowlist: string[], rawIp: string): boolean {
  if (allowlist.length === 0) return true
  const ip = normalizeIp(rawIp)
  const family = isIP(ip)
  if (family === 0) return false
  const type = family === 4 ? 'ipv4' : 'ipv6'
  const list = new BlockList()
  for (const entry of allowlist) {
    const [addr, bits] = entry.split('/')
    const f = isIP(addr)
    if (f === 0) continue
    const t = f === 4 ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(addr, t)
    else {
      const prefix = Number(bits)
      if (Number.isInteger(prefix) && prefix >= 0 && prefix <= (f === 4 ? 32 : 128))
        list.addSubnet(addr, prefix, t)
    }
  }
  return list.check(ip, type)
}
