import { hostname, networkInterfaces } from 'node:os'
import { isIP } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../services'
import type { AddressList } from '../../services/settings/trust'
import { isLoopbackIp, plainIp } from '../../services/settings/trust'

/**
 * Where a request comes from, decided once per request (onRequest) from the socket and the
 * `trusted_proxies` setting. Every check that cares (first account, management and console
 * gates, rate limits, brute-force blocks, audit IPs) reads this, never the socket or headers.
 */
export interface RequestOrigin {
  /** The client: the socket peer, or the forwarded address when the peer is a trusted proxy. */
  clientIp: string
  /** The client is this machine, and no untrusted hop forwarded the request. */
  isLocal: boolean
  /** The request came through a trusted proxy that named a client. */
  viaProxy: boolean
  /** The trusted proxy the socket came from (null when not via a proxy). */
  proxyIp: string | null
  /** The Host header's name (lower case, no port, no brackets); '' when missing. */
  host: string
  /** The Host names this server (its own names and addresses, or the `allowed_hosts`). */
  hostKnown: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the request-origin hook for every request. */
    origin: RequestOrigin
  }
}

type Headers = FastifyRequest['headers']

/** One address from a forwarding header entry: `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `"[::1]"`. */
function hopAddress(raw: string): string | null {
  let v = raw.trim().replace(/^"|"$/g, '')
  const bracket = /^\[([^\]]+)\](:\d+)?$/.exec(v)
  if (bracket) v = bracket[1]
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(':'))
  v = plainIp(v)
  return isIP(v) ? v : null
}

function headerText(h: string | string[] | undefined): string {
  return Array.isArray(h) ? h.join(',') : (h ?? '')
}

/**
 * The forwarded hops, client first: `Forwarded: for=...` when present, else
 * `X-Forwarded-For`. Entries that are not addresses (`unknown`, `_hidden`) are null.
 */
export function forwardedChain(headers: Headers): (string | null)[] {
  const forwarded = headerText(headers.forwarded)
  if (forwarded.trim() !== '') {
    return forwarded.split(',').map((element) => {
      const pair = element
        .split(';')
        .map((p) => p.trim())
        .find((p) => p.toLowerCase().startsWith('for='))
      return pair ? hopAddress(pair.slice(4)) : null
    })
  }
  const xff = headerText(headers['x-forwarded-for'])
  if (xff.trim() === '') return []
  return xff.split(',').map(hopAddress)
}

/** True when the request carries any forwarding header (believed or not). */
function hasForwardingHeaders(headers: Headers): boolean {
  return (
    headers.forwarded !== undefined ||
    headers['x-forwarded-for'] !== undefined ||
    headers['x-real-ip'] !== undefined
  )
}

/**
 * The client behind `peer`: forwarding headers are believed only when the peer is a trusted
 * proxy, walking the chain right to left over trusted hops. A request with forwarding
 * headers from an untrusted peer, or with an unreadable hop, is never local.
 */
export function resolveClient(
  rawPeer: string,
  headers: Headers,
  trusted: AddressList,
): Pick<RequestOrigin, 'clientIp' | 'isLocal' | 'viaProxy' | 'proxyIp'> {
  const peer = plainIp(rawPeer)
  if (!trusted.has(peer)) {
    return {
      clientIp: peer,
      isLocal: isLoopbackIp(peer) && !hasForwardingHeaders(headers),
      viaProxy: false,
      proxyIp: null,
    }
  }
  const chain = forwardedChain(headers)
  if (chain.length === 0) {
    return { clientIp: peer, isLocal: isLoopbackIp(peer), viaProxy: false, proxyIp: null }
  }
  let client = peer
  let readable = true
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]
    if (hop === null) {
      readable = false
      break
    }
    client = hop
    if (!trusted.has(hop)) break
  }
  return {
    clientIp: client,
    isLocal: readable && isLoopbackIp(client),
    viaProxy: true,
    proxyIp: peer,
  }
}

/** The Host header's name: lower case, without port, brackets or a trailing dot. */
export function hostName(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase()
  const bracket = /^\[([^\]]+)\](:\d+)?$/.exec(h)
  if (bracket) return bracket[1]
  const name = /^[^:]+:\d+$/.test(h) ? h.slice(0, h.lastIndexOf(':')) : h
  return name.replace(/\.$/, '')
}

/** This machine's own names and addresses (re-read at most once a minute: DHCP changes). */
function ownNames(boundHost: string): () => Set<string> {
  let names: Set<string> | null = null
  let at = 0
  return () => {
    if (names && Date.now() - at < 60_000) return names
    const next = new Set(['localhost', '127.0.0.1', '::1', hostname().toLowerCase()])
    if (boundHost !== '0.0.0.0' && boundHost !== '::') next.add(hostName(boundHost))
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) next.add(plainIp(a.address).toLowerCase())
    }
    names = next
    at = Date.now()
    return names
  }
}

/** Decorates every request with its origin (before any other hook). */
export function registerRequestOrigin(
  app: FastifyInstance,
  services: Services,
  boundHost: string,
): void {
  const own = ownNames(boundHost)
  app.decorateRequest('origin', null as unknown as RequestOrigin)
  app.addHook('onRequest', async (req) => {
    const trust = await services.settings.trust()
    const host = hostName(req.headers.host)
    req.origin = {
      ...resolveClient(req.socket.remoteAddress ?? '', req.headers, trust.trustedProxies),
      host,
      hostKnown: host !== '' && (own().has(host) || trust.allowedHosts.has(host)),
    }
  })
}
