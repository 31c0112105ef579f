import type { Server } from 'node:http'
import type { SettingsDto } from '@shared/accounts'

/**
 * How long a client may take and how many connections it may hold: the installation's
 * `http_*` settings, in milliseconds. A client slower than these gets 408 and its connection
 * closed; an idle keep-alive connection is closed after `keepAliveTimeoutMs`; connections
 * over `maxConnections` are closed as they arrive. A slow handler is never cut off: the
 * request and header timeouts only cover receiving the request.
 */
export interface ConnectionLimits {
  requestTimeoutMs: number
  headersTimeoutMs: number
  keepAliveTimeoutMs: number
  /** 0: no limit. */
  maxRequestsPerSocket: number
  maxConnections: number
}

export function limitsFromSettings(s: SettingsDto): ConnectionLimits {
  return {
    requestTimeoutMs: s.http_request_timeout_seconds * 1000,
    headersTimeoutMs: s.http_headers_timeout_seconds * 1000,
    keepAliveTimeoutMs: s.http_keep_alive_timeout_seconds * 1000,
    maxRequestsPerSocket: s.http_max_requests_per_connection,
    maxConnections: s.http_max_connections,
  }
}

/**
 * How often Node looks for requests over their timeouts (fixed when the server is made):
 * a quarter of the shorter timeout, between 25 ms and Node's own 30 s.
 */
function checkingInterval(l: ConnectionLimits): number {
  const shorter = Math.min(l.requestTimeoutMs, l.headersTimeoutMs)
  return Math.min(30_000, Math.max(25, Math.floor(shorter / 4)))
}

/** Fastify's constructor options for these limits. */
export function fastifyLimitOptions(l: ConnectionLimits) {
  return {
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    maxRequestsPerSocket: l.maxRequestsPerSocket,
    http: {
      // Node refuses a header timeout longer than the request timeout.
      headersTimeout: Math.min(l.headersTimeoutMs, l.requestTimeoutMs),
      connectionsCheckingInterval: checkingInterval(l),
    },
  }
}

/** Sets the limits on a listening server (Node reads each one when it next needs it). */
function applyLimits(server: Server, l: ConnectionLimits): void {
  server.requestTimeout = l.requestTimeoutMs
  server.headersTimeout = Math.min(l.headersTimeoutMs, l.requestTimeoutMs)
  server.keepAliveTimeout = l.keepAliveTimeoutMs
  server.maxRequestsPerSocket = l.maxRequestsPerSocket
  server.maxConnections = l.maxConnections
}

/**
 * Applies the limits now, and again as each connection arrives with the `current()` ones, so
 * a change in settings applies from the next connection on without a restart.
 *
 * Also answers half-closed clients: a client that sends a complete request and then shuts
 * down its sending side (`shutdown(SHUT_WR)`, Node's `socket.end()`) still gets its answer,
 * after which the server closes the connection. Node's default aborts such a request, so a
 * committed write would lose its answer and tempt the client into a duplicate retry.
 */
export function enforceConnectionLimits(server: Server, current: () => ConnectionLimits): void {
  applyLimits(server, current())
  server.on('connection', () => applyLimits(server, current()))
  ;(server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true
}

/** The limits in force: the settings' current values, with `overrides` (tests) on top. */
export function currentLimits(
  settings: { peek(): SettingsDto },
  overrides: Partial<ConnectionLimits> = {},
): () => ConnectionLimits {
  return () => ({ ...limitsFromSettings(settings.peek()), ...overrides })
}
