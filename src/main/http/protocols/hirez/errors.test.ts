import { describe, expect, it } from 'vitest'
import { DomainError } from '@shared/errors'
import { mapHirezError } from './errors'

describe('Hi-Rez error mapping', () => {
  it('answers refusals as HTTP 200 with the reference’s ret_msg', () => {
    const refusal = new DomainError('SESSION_EXPIRED', 'x', { reason: 'session_invalid' })
    expect(mapHirezError(refusal)).toEqual({ status: 200, message: 'Invalid session id.' })
    const daily = new DomainError('RATE_LIMITED', 'x', { reason: 'daily_requests', limit: 7500 })
    expect(mapHirezError(daily).message).toBe(
      'Daily request limit reached - dailylimit (7500 requests reached)',
    )
    expect(mapHirezError(new DomainError('LICENSE_NOT_FOUND', 'x'))).toEqual({
      status: 200,
      message: 'License not found',
    })
  })

  it('keeps the 404 of an unknown method and the 500 of a fault; framework 4xx become 200', () => {
    expect(mapHirezError({ statusCode: 404 })).toEqual({ status: 404, message: 'Method not found' })
    expect(mapHirezError(new Error('boom'))).toEqual({
      status: 500,
      message: 'Internal server error',
      unexpected: true,
    })
    expect(mapHirezError({ statusCode: 413 })).toEqual({
      status: 200,
      message: 'Request is too large',
    })
  })
})
