import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { mapError as mapLicensecmError } from './protocols/licensecm/errors'
import { mapSellRealmError } from './protocols/sellrealm/errors'
import { mapConsoleError } from './console/errors'
import { errorBody, mapDevpayrError } from './protocols/devpayr/errors'

import { renderHirezError } from './protocols/hirez/errors'
import { toXml } from './protocols/hirez/format'

/** The protocols the server speaks, each with its own error shape. */
export type Surface =
  'licensecm' | 'sellrealm-license' | 'sellrealm-store' | 'console' | 'devpayr' | 'hirez'

/**
 * Which protocol a request target belongs to, by its path prefix: SellRealm's License API
 * (/api/v0) and Store API (/api/v1), the web console (/console), DevPayr (/devpayr), the Hi-Rez
 * developer API (/hirez), and LicenseCM for the rest of /api and for any path outside every protocol (the
 * server's default shape).
 */
export function surfaceOf(url: string): Surface {
  if (/^\/api\/v0(?:[/?#]|$)/.test(url)) return 'sellrealm-license'
  if (/^\/api\/v1(?:[/?#]|$)/.test(url)) return 'sellrealm-store'
  if (/^\/console(?:[/?#]|$)/.test(url)) return 'console'
  if (/^\/devpayr(?:[/?#]|$)/.test(url)) return 'devpayr'
  if (/^\/hirez(?:[/?#]|$)/.test(url)) return 'hirez'
  return 'licensecm'
}

export interface RenderedError {
  status: number
  body: unknown
  /** Unexpected: log it (the client only learns "Internal server error"). */
  unexpected?: boolean
  /** The content type when the body is not JSON (Hi-Rez's XML answers). */
  type?: string
}

/**
 * Any error, for a request to `url`, in that protocol's own shape, by that protocol's one
 * mapping (each protocol's errors module): LicenseCM's `{success:false,message,error_code}`,
 * SellRealm's `{status:"error",message}`, DevPayr's `{status:"error",message,data,errors}`, the
 * console's `{ok:false,error:{code,message}}`, Hi-Rez's `{ret_msg}` (JSON or XML by the method's suffix; HTTP 200 but for 404 and faults).
 * Framework errors (bad URL, content type, JSON, size, unknown route) never show their code.
 */
export function renderError(url: string, err: unknown): RenderedError {
  const surface = surfaceOf(url)
  if (surface === 'console') return mapConsoleError(err)
  if (surface === 'licensecm') return mapLicensecmError(err)
  if (surface === 'devpayr') {
    const d = mapDevpayrError(err, url)
    return { status: d.status, body: errorBody(d), unexpected: d.unexpected }
  }
  if (surface === 'hirez') {
    const h = renderHirezError(url, err)
    return h.format === 'xml'
      ? {
          status: h.status,
          body: toXml(h.answer),
          unexpected: h.unexpected,
          type: 'application/xml; charset=utf-8',
        }
      : { status: h.status, body: h.answer.value, unexpected: h.unexpected }
  }
  const m = mapSellRealmError(surface === 'sellrealm-store' ? 'store' : 'license', err)
  return {
    status: m.status,
    body: { status: 'error', message: m.message },
    unexpected: m.unexpected,
  }
}

/** The error handler and Fastify `frameworkErrors` handler of every route outside a protocol scope. */
export function protocolErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const m = renderError(req.raw.url ?? req.url, err)
  if (m.unexpected) req.log.error(err)
  if (m.type) void reply.type(m.type)
  void reply.status(m.status).send(m.body)
}

const NOT_FOUND = Object.assign(new Error('Route not found'), {
  statusCode: 404,
  code: 'NOT_FOUND',
})

/** The 404 of an unknown route, in the protocol's shape. */
export function protocolNotFound(req: FastifyRequest, reply: FastifyReply): void {
  protocolErrorHandler(NOT_FOUND, req, reply)
}

const CLIENT_ERRORS: Record<string, [status: number, reason: string, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Request timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request headers are too large'],
}

/**
 * Node's `clientError` (a request that is not HTTP, headers too large, too slow to arrive):
 * the request target is unknown, so the answer is in the server's default (LicenseCM) shape,
 * and the connection is closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, reason, message] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'Bad Request',
    'Malformed HTTP request',
  ]
  const code = status === 408 ? 'REQUEST_TIMEOUT' : 'VALIDATION_ERROR'
  // No request exists yet, so no id was generated: this answer's own (observability/request-id.ts).
  const id = randomUUID()
  const body = JSON.stringify({ success: false, message, error_code: code, request_id: id })
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nX-Request-Id: ${id}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  )
}
