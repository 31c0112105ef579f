import { createHmac } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { VERSION } from '../../version'
import { checkAddress, guardedLookup, type TargetPolicy } from './target'

/** How long one attempt may take, connect to last byte. */
export const SEND_TIMEOUT_MS = 10_000

const hmacHex = (secret: string, data: string) =>
  createHmac('sha256', secret).update(data, 'utf8').digest('hex')

/** `sha256=<hex>`: HMAC-SHA256 of the exact raw body under the webhook's secret. */
export function signBody(secret: string, body: string): string {
  return 'sha256=' + hmacHex(secret, body)
}

/**
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>]`: HMAC-SHA256 of `t + "." + raw body`, one `v1` per
 * secret that is valid now (the current one first; during a rotation's overlap the previous
 * one too), as Stripe spells it. Binding `t` into the MAC is what makes the receiver's
 * tolerance check (300 s) a replay guard: an old body cannot be resent with a fresh `t`.
 */
export function signatureHeader(secrets: readonly string[], body: string, t: number): string {
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmacHex(s, `${t}.${body}`)}`)].join(',')
}

/**
 * The headers of one attempt. Receivers verify Keywarden-Signature (see signatureHeader),
 * dedupe on X-Keywarden-Delivery (retries and redeliveries reuse it). X-Keywarden-Signature
 * (`sha256=` over the body alone, current secret only) and X-Keywarden-Timestamp are kept for
 * receivers written before Keywarden-Signature, for one major version.
 * `secrets`: the valid signing secrets, current first (see signingSecrets).
 */
export function deliveryHeaders(
  o: { id: string; event: string; secrets: readonly string[]; body: string },
  nowMs: number,
): Record<string, string> {
  const t = Math.floor(nowMs / 1000)
  return {
    'content-type': 'application/json',
    'user-agent': `Keywarden-Webhooks/${VERSION}`,
    'x-keywarden-event': o.event,
    'x-keywarden-delivery': o.id,
    'keywarden-signature': signatureHeader(o.secrets, o.body, t),
    'x-keywarden-timestamp': String(t),
    'x-keywarden-signature': signBody(o.secrets[0], o.body),
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
