import type { FastifyReply, FastifyRequest } from 'fastify'
import { isDomainError } from '@shared/errors'
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

export { ok }
