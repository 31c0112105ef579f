import type { FastifySchema, RouteOptions } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's answers for the OpenAPI document only, where a response schema is not
     * wanted: on the LicenseCM client API, the hot path (#19), a response schema would put a
     * serializer on every answer (time, and silently dropped fields).
     */
    documentedResponse?: FastifySchema['response']
  }
}

/**
 * The route as the document sees it: with its `config.documentedResponse` as the response
 * schema (a copy: the route itself keeps none), converted by the same zod transform as every
 * other route's answers.
 */
export function withDocumentedAnswer<T extends { schema?: unknown; route: RouteOptions }>(
  doc: T,
): T {
  const response = doc.route.config?.documentedResponse
  return response ? { ...doc, schema: { ...(doc.schema as object), response } } : doc
}
