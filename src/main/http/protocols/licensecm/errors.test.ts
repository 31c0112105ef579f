import { describe, expect, it } from 'vitest'
import { DomainError } from '@shared/errors'
import { mapError } from './errors'

describe('LicenseCM error mapping', () => {
  it('maps a DomainError to its reference status and code', () => {
    expect(mapError(new DomainError('LICENSE_NOT_FOUND', 'License not found'))).toEqual({
      status: 404,
      body: { success: false, message: 'License not found', error_code: 'LICENSE_NOT_FOUND' },
    })
    expect(mapError(new DomainError('CONFLICT', 'x')).status).toBe(409)
    expect(mapError(new DomainError('RATE_LIMITED', 'x')).status).toBe(429)
  })

  it('hides unexpected errors behind a 500 without internals', () => {
    const m = mapError(new TypeError("Cannot read properties of undefined (reading 'secret')"))
    expect(m).toEqual({
      status: 500,
      body: { success: false, message: 'Internal server error', error_code: 'INTERNAL_ERROR' },
      unexpected: true,
    })
    expect(mapError(undefined).status).toBe(500)
  })

  it("maps Fastify's body errors to 400/413/415", () => {
    expect(
      mapError(
        Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }),
      ).status,
    ).toBe(413)
    expect(
      mapError(
        Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }),
      ).status,
    ).toBe(415)
    const json = mapError(
      Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 }),
    )
    expect(json.body).toEqual({
      success: false,
      message: 'Malformed JSON body',
      error_code: 'VALIDATION_ERROR',
    })
  })
})
