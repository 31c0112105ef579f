import { AddressList, plainIp } from '../settings/trust'

/** `::ffff:203.0.113.5` (an IPv4 client on a dual-stack socket) reads as `203.0.113.5`. */
export const normalizeIp = plainIp

/**
 * True when `ip` is in the allow-list of addresses and CIDR blocks. An empty list allows
 * every address. Entries were validated when the key was created; a malformed one (edited
 * by hand in the database) allows nothing rather than everything. The list is the same
 * AddressList the trusted proxies use.
 */
export function ipAllowed(allowlist: string[], rawIp: string): boolean {
  return allowlist.length === 0 || new AddressList(allowlist).has(rawIp)
}
