import { createHmac } from 'node:crypto'
import { safeEqual } from './random'

/**
 * HMAC request signatures for backend API keys, exactly as the Realm AI reference computes
 * them: `METHOD \n PATH \n TIMESTAMP \n BODY`, HMAC-SHA256 with the key's secret, Base64.
 * PATH is the request target as sent (query string included); BODY is the raw body bytes as
 * sent (the empty string when there is none), never a re-serialisation of parsed JSON, so
 * the client and the server hash the very same bytes.
 */
export interface SignedRequest {
  method: string
  path: string
  timestamp: string
  body: string | Buffer
}

/** The exact bytes that are signed. */
export function stringToSign(r: SignedRequest): Buffer {
  const head = Buffer.from(`${r.method.toUpperCase()}\n${r.path}\n${r.timestamp}\n`, 'utf8')
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body
  return Buffer.concat([head, body])
}

/** Base64(HMAC-SHA256(secret, stringToSign)). */
export function signRequest(secret: string, r: SignedRequest): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(stringToSign(r)).digest('base64')
}

/** Constant-time check of a presented signature against the expected one. */
export function signatureMatches(secret: string, r: SignedRequest, presented: string): boolean {
  return safeEqual(signRequest(secret, r), presented.trim())
}
