import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, isIPv4 } from 'node:net'
import { networkInterfaces } from 'node:os'
import { DomainError } from '@shared/errors'

/**
 * SSRF policy for webhook targets. A webhook makes this server send requests wherever its
 * owner says; so:
 * - never to Keywarden's own listening address (a webhook could otherwise drive the
 *   management API from the inside, or loop forever);
 * - loopback, private, link-local and other non-public ranges only when the owner may
 *   (admins always: a vendor's receiver often runs on the same desk; `user` accounts only
 *   when an admin turned `allow_private_for_users` on).
 * Checked when a webhook is saved and again on every connection, against the addresses the
 * name resolves to at that moment (DNS rebinding cannot slip past the first check).
 */
const PRIVATE = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4')
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6')
}

function unmap(ip: string): string {
  const l = ip.toLowerCase()
  return l.startsWith('::ffff:') && isIPv4(l.slice(7)) ? l.slice(7) : l
}

export function isPrivateAddress(ip: string): boolean {
  const a = unmap(ip)
  return PRIVATE.check(a, isIPv4(a) ? 'ipv4' : 'ipv6')
}

/** This machine's addresses (loopback, unspecified and every interface). */
function isLocalAddress(ip: string): boolean {
  const a = unmap(ip)
  if (a === '0.0.0.0' || a === '::' || a.startsWith('127.') || a === '::1') return true
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (unmap(i.address) === a) return true
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
  if (!p.allowPrivate && isPrivateAddress(address)) {
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
