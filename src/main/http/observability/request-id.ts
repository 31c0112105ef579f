import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { surfaceOf } from '../errors'
import { setLoggedRequestId } from './logging'

export const REQUEST_ID_HEADER = 'x-request-id'

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Fastify's `genReqId`: every request starts with a fresh id (request-id hook may adopt one). */
export const generateRequestId = (): string => randomUUID()

/**
 * The caller's `X-Request-Id` is kept when the caller is trusted and the id is a sane token
 * (≤128 of [A-Za-z0-9._:-]); otherwise the generated id stands. Trusted means the request
 * came through a trusted proxy (the proxy chose or passed the id on) or from this machine
 * (a local process is already trusted more: management on loopback). An id from anyone else
 * could be used to forge or collide log correlation, so it is replaced.
 */
export function adoptedRequestId(req: FastifyRequest): string | null {
  if (!req.origin.viaProxy && !req.origin.isLocal) return null
  const given = req.headers[REQUEST_ID_HEADER]
  return typeof given === 'string' && SANE_ID.test(given) ? given : null
}

/**
 * Every answer carries `X-Request-Id`, and every JSON error body (status ≥ 400, and the
 * console's `{ok:false}` refusals, which it answers with 200) carries it as
 * `request_id`, in whichever protocol's shape it is: LicenseCM's `{success:false,...}`,
 * SellRealm's `{status:"error",...}`, DevPayr's, the console's `{ok:false,...}` all take an
 * extra field (the documents show extra fields in error answers, e.g. LicenseCM's
 * `security_blocked`, and their SDKs read fields by name). Not Hi-Rez: its `ret_msg` answers
 * are the method's own result objects (fixed DataContract elements in XML), so an extra field
 * could break strict deserializers; Hi-Rez callers get the header only.
 * Registered after the origin hook (onRequest order), so the trust decision is known.
 */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    const adopted = adoptedRequestId(req)
    if (adopted !== null) {
      req.id = adopted
      setLoggedRequestId(req.log, adopted)
    }
    void reply.header(REQUEST_ID_HEADER, req.id)
  })
  app.addHook('onSend', async (req, reply, payload) => {
    void reply.header(REQUEST_ID_HEADER, req.id)
    if (typeof payload !== 'string' || !/json/.test(String(reply.getHeader('content-type')))) {
      return payload
    }
    const surface = surfaceOf(req.raw.url ?? req.url)
    // The console's RPC answers a refusal `{ok:false}` with 200 (as IPC does): an error too.
    const error =
      reply.statusCode >= 400 || (surface === 'console' && payload.startsWith('{"ok":false'))
    return error && surface !== 'hirez' ? withRequestId(payload, req.id) : payload
  })
}

/** `payload` (a JSON object's text) with `request_id` added; anything else unchanged. */
function withRequestId(payload: string, id: string): string {
  try {
    const body: unknown = JSON.parse(payload)
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return payload
    return JSON.stringify({ ...body, request_id: id })
  } catch {
    return payload
  }
}
