import { BlockList, isIPv4, isIPv6 } from 'node:net'
import type { BlacklistRow, BlacklistType } from '../../db/repositories/blacklist'

/** What a blacklist lookup returns: enough to answer and to record the hit. */
export interface MatchedEntry {
  id: string
  type: BlacklistType
  severity: BlacklistRow['severity']
  source: 'manual' | 'detection'
  expires_at: string | null
}

/** `::ffff:1.2.3.4` -> `1.2.3.4`; IPv6 lower-cased. Both sides of a match go through here. */
export function normalizeIp(ip: string): string {
  const t = ip.trim().toLowerCase()
  return t.startsWith('::ffff:') && isIPv4(t.slice(7)) ? t.slice(7) : t
}

/** The canonical form of a blacklisted value, so that lookups are exact map hits. */
export function normalizeValue(type: BlacklistType, value: string): string {
  switch (type) {
    case 'ip':
      return normalizeIp(value)
    case 'license':
      return value.trim().toUpperCase()
    default:
      return value.trim()
  }
}

/**
 * The active blacklist in memory: exact values in one map, IP ranges (CIDR) in a short list.
 * Built from the table and rebuilt after every change, so a client request costs a few map
 * lookups and no query. Expiry is checked at lookup time (entries expire without a rebuild).
 */
export class BlacklistMatcher {
  private readonly exact = new Map<string, MatchedEntry>()
  private readonly ranges: { list: BlockList; entry: MatchedEntry }[] = []

  constructor(rows: BlacklistRow[]) {
    for (const r of rows) {
      const entry: MatchedEntry = {
        id: r.id,
        type: r.type,
        severity: r.severity,
        source: r.source,
        expires_at: r.expires_at,
      }
      if (r.type === 'ip' && r.value.includes('/')) {
        const [net, bits] = r.value.split('/')
        const family = isIPv6(net) ? 'ipv6' : isIPv4(net) ? 'ipv4' : null
        if (!family) continue
        const list = new BlockList()
        list.addSubnet(net, Number(bits), family)
        this.ranges.push({ list, entry })
      } else {
        // Several rows for one value: keep the one that lasts longest.
        const key = `${r.type}\u0000${normalizeValue(r.type, r.value)}`
        const prev = this.exact.get(key)
        if (!prev || outlasts(entry, prev)) this.exact.set(key, entry)
      }
    }
  }

  /** The entry blocking `value` of `type` at `now`, if any. */
  match(type: BlacklistType, value: string, now: string): MatchedEntry | null {
    const v = normalizeValue(type, value)
    const hit = this.exact.get(`${type}\u0000${v}`)
    if (hit && (hit.expires_at === null || hit.expires_at > now)) return hit
    if (type === 'ip' && this.ranges.length > 0) {
      const family = isIPv6(v) ? 'ipv6' : 'ipv4'
      for (const r of this.ranges) {
        if ((r.entry.expires_at === null || r.entry.expires_at > now) && r.list.check(v, family)) {
          return r.entry
        }
      }
    }
    return null
  }
}

function outlasts(a: MatchedEntry, b: MatchedEntry): boolean {
  if (a.expires_at === null) return true
  if (b.expires_at === null) return false
  return a.expires_at > b.expires_at
}
