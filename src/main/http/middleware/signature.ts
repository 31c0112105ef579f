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

/**
 * preParsing hook: keeps the raw body of requests that carry X-Signature, because the
 * signature covers the bytes as sent (a re-serialised JSON body would differ in spacing or
 * key order). The payload is buffered, kept, and handed on as a fresh stream, so Fastify's
 * JSON parser (and every other content-type parser) works exactly as before. Requests
 * without X-Signature are not touched. The body limit is enforced here as well, because we
 * read the stream before Fastify's parser counts it.
 */
export const captureRawBody: preParsingHookHandler = async (req, reply, payload) => {
  if (req.headers['x-signature'] === undefined) return payload
  const limit = req.routeOptions.bodyLimit ?? 1024 * 1024
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of payload) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += b.length
    if (size > limit) {
      throw Object.assign(new Error('Request body is too large'), {
        statusCode: 413,
        code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      })
    }
    chunks.push(b)
  }
  req.rawBody = Buffer.concat(chunks)
  const fresh = Readable.from([req.rawBody]) as Readable & { receivedEncodedLength?: number }
  // Fastify checks Content-Length against what the stream it parses yields.
  fresh.receivedEncodedLength = req.rawBody.length
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
