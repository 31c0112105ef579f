import type { RateLimitPluginOptions } from '@fastify/rate-limit'

/**
 * How @fastify/rate-limit reports limits on the management and client APIs: every answer
 * carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until
 * the window resets), and a 429 also `Retry-After` (seconds). The 429 body stays the
 * surface's own (LicenseCM's errorResponseBuilder and error handler: RATE_LIMITED).
 * Spread into the plugin's options: `register(rateLimit, { ...RATE_LIMIT_HEADERS, max, timeWindow })`.
 */
export const RATE_LIMIT_HEADERS = {
  addHeadersOnExceeding: {
    'x-ratelimit-limit': true,
    'x-ratelimit-remaining': true,
    'x-ratelimit-reset': true,
  },
  addHeaders: {
    'x-ratelimit-limit': true,
    'x-ratelimit-remaining': true,
    'x-ratelimit-reset': true,
    'retry-after': true,
  },
  enableDraftSpec: false,
} satisfies Partial<RateLimitPluginOptions>
