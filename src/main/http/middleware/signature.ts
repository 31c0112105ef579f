import { Readable } from 'node:stream'
import type { FastifyRequest, preParsingHookHandler } from 'fastify'
import { DomainError } from '@shared/errors'
import type { ApiKeyAuth, ApiKeysService } from '../../services/apikeys'

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes exactly as received; only kept for signed requests (X-Signature). */
    rawBody?: Buffer
  }
}

/** Methods that only read: never signed unless under /api/admin or /api/security. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS'])
const ALWAYS_SIGNED = /^\/api\/(admin|security)(\/|\?|$)/

/**
 * True when a key with `require_signature` must sign this request: anything that creates,
 * updates, deletes, suspends, resets or bans (every non-read method), and every request under
 * /api/admin and /api/security, reads included.
 */
export function needsSignature(method: string, url: string): boolean {
  return !READS.has(method.toUpperCase()) || ALWAYS_SIGNED.test(url)
}

const tooLarge = () =>
  Object.assign(new Error('Request body is too large'), {
    statusCode: 413,
    code: 'FST_ERR_CTP_BODY_TOO_LARGE',
  })

/**
 * Reads a request body of at most `limit` bytes. Over the limit it stops reading at once
 * (the rest is never buffered) and rejects with the framework's 413.
 */
function readLimited(payload: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = (err: Error | null) => {
      payload.removeListener('data', onData)
      payload.removeListener('end', onEnd)
      payload.removeListener('error', stop)
      payload.removeListener('close', onClose)
      if (err) reject(err)
      else resolve(Buffer.concat(chunks))
    }
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += b.length
      if (size > limit) stop(tooLarge())
      else chunks.push(b)
    }
    const onEnd = () => stop(null)
    // The client went away before the body ended: nothing to answer.
    const onClose = () => stop(new Error('Request aborted before its body ended'))
    payload.on('data', onData)
    payload.once('end', onEnd)
    payload.once('error', stop)
    payload.once('close', onClose)
  })
}

/**
 * preParsing hook: keeps the raw body of requests that carry X-Signature, because the
 * signature covers the bytes as sent (a re-serialised JSON body would differ in spacing or
 * key order). The payload is buffered, kept, and handed on as a fresh stream, so Fastify's
 * JSON parser (and every other content-type parser) works exactly as before. Requests
 * without X-Signature are not touched. The body limit is enforced here as well, because we
 * read the stream before Fastify's parser counts it; over it, the answer is 413 with
 * `Connection: close`, exactly as Fastify's own parser answers (the unread rest of the body
 * is never read, so the connection cannot carry another request).
 */
export const captureRawBody: preParsingHookHandler = async (req, reply, payload) => {
  if (req.headers['x-signature'] === undefined) return payload
  const limit = req.routeOptions.bodyLimit ?? 1024 * 1024
  const declared = Number(req.headers['content-length'])
  let body: Buffer
  try {
    if (declared > limit) throw tooLarge()
    body = await readLimited(payload, limit)
  } catch (err) {
    void reply.header('connection', 'close')
    throw err
  }
  req.rawBody = body
  const fresh = Readable.from([body]) as Readable & { receivedEncodedLength?: number }
  // Fastify checks Content-Length against what the stream it parses yields.
  fresh.receivedEncodedLength = body.length
  return fresh
}

/**
 * Verifies X-Timestamp / X-Signature for a key that requires signing, when this request
 * needs one. PATH is the request target as sent (query string included); BODY the raw bytes.
 * Throws FORBIDDEN saying which check failed.
 */
export async function checkRequestSignature(
  apiKeys: ApiKeysService,
  req: FastifyRequest,
  key: ApiKeyAuth,
): Promise<void> {
  const url = req.raw.url ?? req.url
  if (!needsSignature(req.method, url)) return
  const header = (name: string) => {
    const v = req.headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  const signature = header('x-signature')
  if (
    signature !== undefined &&
    req.rawBody === undefined &&
    req.body !== undefined &&
    req.body !== null
  ) {
    // Cannot happen when captureRawBody is installed; refuse rather than guess the bytes.
    throw new DomainError('FORBIDDEN', 'Request body could not be verified against X-Signature')
  }
  await apiKeys.verifySignature(key, {
    method: req.method,
    path: url,
    timestamp: header('x-timestamp'),
    signature,
    body: req.rawBody ?? '',
    ip: req.origin.clientIp,
  })
}
