import { createHmac } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { VERSION } from '../../version'
import { checkAddress, guardedLookup, type TargetPolicy } from './target'

/** How long one attempt may take, connect to last byte. */
export const SEND_TIMEOUT_MS = 10_000

/** `sha256=<hex>`: HMAC-SHA256 of the exact raw body under the webhook's secret. */
export function signBody(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex')
}

/**
 * The headers of one attempt. Receivers verify X-Keywarden-Signature over the raw body,
 * dedupe on X-Keywarden-Delivery (retries and redeliveries reuse it), and may refuse a stale
 * X-Keywarden-Timestamp (unix seconds of this attempt).
 */
export function deliveryHeaders(
  o: { id: string; event: string; secret: string; body: string },
  nowMs: number,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': `Keywarden-Webhooks/${VERSION}`,
    'x-keywarden-event': o.event,
    'x-keywarden-delivery': o.id,
    'x-keywarden-timestamp': String(Math.floor(nowMs / 1000)),
    'x-keywarden-signature': signBody(o.secret, o.body),
  }
}

export interface SendResult {
  ok: boolean
  statusCode: number | null
  responseMs: number
  error: string | null
}

/**
 * POSTs one signed delivery. 2xx is success; anything else (3xx included: redirects are
 * not followed, they could lead anywhere) is a failure with the status kept for the log;
 * the receiver's body is drained unread.
 */
export function send(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: TargetPolicy,
  signal?: AbortSignal,
): Promise<SendResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  return new Promise((resolve) => {
    const fail = (error: string, statusCode: number | null = null) =>
      resolve({ ok: false, statusCode, responseMs: elapsed(), error })
    let u: URL
    try {
      u = new URL(url)
      const host = u.hostname.replace(/^\[|\]$/g, '')
      // IP literals never go through `lookup`: check them here.
      if (isIP(host)) checkAddress(u, host, policy)
    } catch (e) {
      return fail((e as Error).message)
    }
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(u, policy) as never,
        timeout: SEND_TIMEOUT_MS,
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0
        // The receiver's body is never read back: a webhook must not become a way to read
        // pages this server can reach (status and latency are all the log keeps).
        res.resume()
        res.on('end', () => {
          if (status >= 200 && status < 300) {
            resolve({ ok: true, statusCode: status, responseMs: elapsed(), error: null })
          } else {
            fail(`HTTP ${status}`, status)
          }
        })
        res.on('error', (e) => fail(e.message, status))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`No answer within ${SEND_TIMEOUT_MS / 1000} s`)))
    req.on('error', (e: NodeJS.ErrnoException) =>
      fail(e.code ? `${e.code}: ${e.message}` : e.message),
    )
    req.end(body)
  })
}
