import type { FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, isDomainError } from '@shared/errors'
import { LICENSECM_STATUS, mapError } from '../errors'
import { failure, ok } from '../reply'

/**
 * The client API's error answer: LicenseCM's envelope plus, for security refusals,
 * `security_blocked` / `security_details` (the SDKs call `onSecurityViolation` on those), and
 * `Retry-After` on RATE_LIMITED. Errors are never encrypted: the Python SDK reads the message
 * of a non-2xx answer straight from its JSON body.
 */
export function clientErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  if (isDomainError(err)) {
    const d = err.details ?? {}
    if (err.code === 'RATE_LIMITED' && typeof d.retry_after === 'number') {
      void reply.header('retry-after', String(d.retry_after))
    }
    const extra = d.security_blocked
      ? { security_blocked: true, security_details: d.security_details }
      : undefined
    void reply.status(LICENSECM_STATUS[err.code] ?? 400).send(failure(err.code, err.message, extra))
    return
  }
  const m = mapError(err)
  if (m.unexpected) req.log.error(err)
  void reply.status(m.status).send(m.body)
}

/**
 * `product_id` is the product's id (its UUID, as the console and GET /api/products show it).
 * A client sending a number (a product's position, an id from another system) would otherwise
 * read "product not found" and look for a missing product: the message says what to send. The
 * error code stays PRODUCT_NOT_FOUND (SDKs branch on it).
 */
export async function explainingProductId<T>(
  productId: unknown,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run()
  } catch (e) {
    if (
      isDomainError(e) &&
      e.code === 'PRODUCT_NOT_FOUND' &&
      typeof productId === 'string' &&
      /^\s*\d+\s*$/.test(productId)
    ) {
      throw new DomainError(
        'PRODUCT_NOT_FOUND',
        `${e.message}: product_id is the product's id (a UUID such as 3f2a…, shown in the console and by GET /api/products), not a number (got ${productId.trim()})`,
        e.details,
      )
    }
    throw e
  }
}

export { ok }
