import type { RouteOptions } from 'fastify'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { withDocumentedAnswer } from './openapi-answers'

describe('withDocumentedAnswer', () => {
  const answer = { 200: z.object({ ok: z.boolean() }) }
  const route = (config: RouteOptions['config']) =>
    ({ method: 'POST', url: '/api/client/validate', config }) as RouteOptions

  it("gives the document a route's documented answer without touching the route's own schema", () => {
    const schema = { summary: 'Validate' }
    const doc = {
      schema,
      url: '/api/client/validate',
      route: route({ documentedResponse: answer }),
    }
    expect(withDocumentedAnswer(doc).schema).toEqual({ summary: 'Validate', response: answer })
    // The route keeps no response schema: no serializer on the hot path (#19).
    expect(schema).toEqual({ summary: 'Validate' })
    expect(doc.schema).toBe(schema)
  })

  it('leaves a route without one as it is', () => {
    const doc = { schema: {}, url: '/api/licenses', route: route({ access: 'public' }) }
    expect(withDocumentedAnswer(doc)).toBe(doc)
  })
})
