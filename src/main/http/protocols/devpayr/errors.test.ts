import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DomainError, ERROR_CODES } from '@shared/errors'
import { DEVPAYR_ERRORS, mapDevpayrError } from './errors'

const RUNTIME = '/devpayr/api/v1/project/has-paid?include=injectables'
const BACKEND = '/devpayr/api/v1/project/abc/licenses'

describe('DevPayr error mapping', () => {
  it('words every error code with a 4xx/5xx status', () => {
    for (const code of ERROR_CODES) {
      const m = mapDevpayrError(new DomainError(code, 'service words'), BACKEND)
      expect(m.status, code).toBe(DEVPAYR_ERRORS[code].status)
      expect(m.status >= 400 && m.status < 600, code).toBe(true)
      expect(m.message.length, code).toBeGreaterThan(0)
    }
  })

  it('speaks of the key at runtime and of the resource at the backend', () => {
    const nf = new DomainError('LICENSE_NOT_FOUND', 'Invalid license key')
    expect(mapDevpayrError(nf, RUNTIME)).toEqual({
      status: 403,
      message: 'Invalid license key',
      errors: null,
    })
    expect(mapDevpayrError(nf, BACKEND)).toEqual({
      status: 404,
      message: 'License not found',
      errors: null,
    })
  })

  it('words neutral reasons, keeping the service message where it names both sides', () => {
    const missing = new DomainError('VALIDATION_ERROR', 'x', { reason: 'identifier_missing' })
    expect(mapDevpayrError(missing, RUNTIME)).toMatchObject({
      status: 400,
      message: 'Missing runtime identifier: send the X-Devpayr-Domain header',
    })
    const env = new DomainError(
      'HWID_MISMATCH',
      'A test license cannot run on a production domain',
      {
        reason: 'environment_mismatch',
      },
    )
    expect(mapDevpayrError(env, RUNTIME)).toMatchObject({
      status: 403,
      message: 'A test license cannot run on a production domain',
    })
  })

  it('lists field errors as DevPayr (Laravel) does, for zod and for services', () => {
    const r = z.object({ name: z.string() }).safeParse({})
    expect(mapDevpayrError(r.error, BACKEND)).toEqual({
      status: 422,
      message: expect.stringMatching(/^The given data was invalid: name: /),
      errors: { name: [expect.any(String)] },
    })
    const d = new DomainError('VALIDATION_ERROR', 'domain: bad wildcard')
    expect(mapDevpayrError(d, BACKEND)).toEqual({
      status: 422,
      message: 'domain: bad wildcard',
      errors: { domain: ['domain: bad wildcard'] },
    })
  })

  it('keeps framework statuses, and hides anything unexpected behind a bare 500', () => {
    expect(mapDevpayrError({ statusCode: 413 })).toMatchObject({
      status: 413,
      message: 'Request body is too large',
    })
    expect(mapDevpayrError({ statusCode: 415 }).status).toBe(415)
    expect(mapDevpayrError(new Error('db exploded'))).toEqual({
      status: 500,
      message: 'Server error',
      errors: null,
      unexpected: true,
    })
  })
})
