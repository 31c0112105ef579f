import type { FastifyInstance } from 'fastify'

/**
 * JSON bodies for the LicenseCM scope: Fastify's own parser (prototype-poisoning checks
 * included), except that an empty body with `Content-Type: application/json` is no body at
 * all instead of a 400. LicenseCM's server (Express `json()`) accepts that, and clients
 * built against it send it on body-less POSTs (refresh, regenerate-key, reset-hwid).
 * Routes that need a body still answer 400 VALIDATION_ERROR from their schema.
 */
export function lenientJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    parse(req, text, done)
  })
}
