import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import ipaddr from 'ipaddr.js'
import { DomainError } from '@shared/errors'

/**
 * SSRF policy for webhook targets. A webhook makes this server send requests wherever its
 * owner says; so:
 * - never to Keywarden's own listening port on any of this machine's addresses (a webhook
 *   could otherwise drive the management API from the inside, or loop forever);
 * - anything that is not a public unicast address (loopback, private, link-local,
 *   unique-local, multicast, 0.0.0.0/8, NAT64, 6to4, documentation ranges, ...) and every
 *   address of this machine's own interfaces only when the owner may (admins always: a
 *   vendor's receiver often runs on the same desk; `user` accounts only when an admin turned
 *   `allow_private_for_users` on).
 * Every address is normalised first: IPv4-mapped (`::ffff:127.0.0.1`, `::ffff:7f00:1`),
 * IPv4-compatible (`::/96`) and NAT64 (`64:ff9b::/96`) IPv6 addresses are judged by the IPv4
 * address they carry; the URL parser already turns decimal/octal/hex IPv4 hosts into dotted
 * quads and `ipaddr.parse` reads them too.
 * Checked when a webhook is saved and again on every connection, against the addresses the
 * name resolves to at that moment; the connection uses exactly the addresses checked (the
 * `lookup` below hands them to the socket), so DNS rebinding cannot slip between the two.
 */

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64), else the address. */
function normalise(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let a: ipaddr.IPv4 | ipaddr.IPv6
  try {
    a = ipaddr.parse(ip.replace(/^\[|\]$/g, '').replace(/%.*$/, ''))
  } catch {
    return null
  }
  if (a.kind() === 'ipv4') return a
  const v6 = a as ipaddr.IPv6
  const parts = v6.parts
  const embedded = () => ipaddr.fromByteArray(v6.toByteArray().slice(12)) as ipaddr.IPv4
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address()
  // ::/96 (IPv4-compatible, deprecated) — :: and ::1 themselves stay IPv6.
  if (parts.slice(0, 6).every((x) => x === 0) && (parts[6] !== 0 || parts[7] > 1)) return embedded()
  // 64:ff9b::/96 (NAT64 well-known prefix) reaches the IPv4 address it embeds.
  if (v6.range() === 'rfc6052') return embedded()
  return v6
}

/** Not a public unicast address (an unparsable address counts as not public). */
export function isPrivateAddress(ip: string): boolean {
  const a = normalise(ip)
  return a === null || a.range() !== 'unicast'
}

/** This machine's addresses: loopback, unspecified and every interface's. */
export function isLocalAddress(ip: string): boolean {
  const a = normalise(ip)
  if (a === null) return false
  const range = a.range()
  if (range === 'loopback' || range === 'unspecified') return true
  const text = a.toNormalizedString()
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      const own = normalise(i.address)
      if (own && own.kind() === a.kind() && own.toNormalizedString() === text) return true
    }
  }
  return false
}

export interface TargetPolicy {
  /** May this webhook reach loopback / private addresses? */
  allowPrivate: boolean
  /** The port Keywarden listens on (null when not listening). */
  selfPort: number | null
}

function portOf(u: URL): number {
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80
}

/** Throws VALIDATION_ERROR when `address` (resolved for `u`) is not allowed by `p`. */
export function checkAddress(u: URL, address: string, p: TargetPolicy): void {
  if (p.selfPort !== null && portOf(u) === p.selfPort && isLocalAddress(address)) {
    throw new DomainError('VALIDATION_ERROR', 'A webhook cannot target Keywarden itself')
  }
  if (!p.allowPrivate && (isPrivateAddress(address) || isLocalAddress(address))) {
    throw new DomainError(
      'VALIDATION_ERROR',
      'Webhook URLs on loopback or private networks need an admin to allow them',
    )
  }
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  )
}

/** Validates a URL for saving: scheme, no credentials, and every address it resolves to. */
export async function checkTarget(url: string, p: TargetPolicy): Promise<void> {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new DomainError('VALIDATION_ERROR', 'Invalid webhook URL')
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new DomainError('VALIDATION_ERROR', 'Webhook URLs must be http or https')
  }
  if (u.username || u.password) {
    throw new DomainError(
      'VALIDATION_ERROR',
      'Webhook URLs may not carry credentials; use the secret',
    )
  }
  const host = u.hostname.replace(/^\[|\]$/g, '')
  let addrs: string[]
  if (isIP(host)) {
    addrs = [host]
  } else {
    try {
      addrs = (await resolveAll(host)).map((a) => a.address)
    } catch {
      // An unresolvable name is allowed to be saved (DNS may come later); sends re-check.
      return
    }
  }
  for (const a of addrs) checkAddress(u, a, p)
}

/**
 * A `lookup` for http.request that applies the policy to the address actually connected to.
 */
export function guardedLookup(u: URL, p: TargetPolicy) {
  return (
    hostname: string,
    options: object,
    cb: (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addrs) => {
      if (err) return cb(err, [])
      try {
        for (const a of addrs) checkAddress(u, a.address, p)
      } catch (e) {
        return cb(e as NodeJS.ErrnoException, [])
      }
      const all = (options as { all?: boolean }).all
      if (all) cb(null, addrs)
      else cb(null, addrs[0].address, addrs[0].family)
    })
  }
}
