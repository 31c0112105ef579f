import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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

/**
 * The 404 for unknown /api paths, counted by the rate limiter like any other /api answer (so
 * it carries the X-RateLimit-* headers, and scanning for routes uses up the budget). Register
 * inside the rate-limited scope; `answer` renders the 404 and `onError` its errors (the 429),
 * each in the shape of the path's protocol (/api/v0 and /api/v1 are SellRealm's).
 */
export async function registerRateLimitedNotFound(
  app: FastifyInstance,
  answer: (req: FastifyRequest, reply: FastifyReply) => void,
  onError: (err: unknown, req: FastifyRequest, reply: FastifyReply) => void,
): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(onError)
      const limited = scope.hasDecorator('rateLimit') ? { preHandler: scope.rateLimit() } : {}
      scope.setNotFoundHandler(limited, answer)
    },
    { prefix: '/api' },
  )
}
