import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  loginConsoleAs,
  startTestServer,
  type ConsoleRpc,
  type TestServer,
} from '../helpers/server'
import { vendor, v0 } from './sellrealm-helpers'
import { dispatch } from '../../src/main/rpc/dispatch'
import type { Handlers } from '../../src/main/rpc/handlers'
import { CONSOLE } from '../../src/main/services/context'

/** What a service that parses again throws: a raw ZodError ("input: expected string"). */
const throwZod = (): never => {
  z.string().parse(1)
  throw new Error('unreachable')
}
const ZOD_MESSAGE = 'input: Invalid input: expected string, received number'

/**
 * A ZodError that escapes a service is a bad input on every surface: VALIDATION_ERROR 400 in
 * that protocol's own shape, never a 500 "Internal server error".
 */
describe('a ZodError thrown by a service answers 400 on every surface', () => {
  let s: TestServer
  let v: Awaited<ReturnType<typeof vendor>>
  let rpc: ConsoleRpc
  let productId: string
  let productNum: number

  beforeAll(async () => {
    s = await startTestServer({ console: { setupToken: 'zod-surfaces-token' } })
    v = await vendor(s, 'zod@example.com')
    ;({ rpc } = await loginConsoleAs(s, 'zod@example.com', 'correct horse battery 9'))
    const p = await s.runtime.services.products.create(v.actor, { name: 'Zod' })
    productId = p.id
    productNum = p.num
  })
  afterEach(() => vi.restoreAllMocks())
  afterAll(() => s.stop())

  const services = () => s.runtime.services

  const surfaces: {
    name: string
    stub: () => void
    call: () => Promise<{ status: number; body: unknown }>
    body: unknown
  }[] = [
    {
      name: 'LicenseCM management API (GET /api/licenses)',
      stub: () => vi.spyOn(services().licenses, 'list').mockImplementation(throwZod),
      call: () => s.json('/api/licenses', { headers: v.auth }),
      body: { success: false, error_code: 'VALIDATION_ERROR', message: ZOD_MESSAGE },
    },
    {
      name: 'LicenseCM client API (POST /api/client/validate)',
      stub: () => vi.spyOn(services().licensing, 'validate').mockImplementation(throwZod),
      call: () =>
        s.json('/api/client/validate', {
          body: { license_key: 'KEY-1', product_id: productId, hwid: 'H' },
        }),
      body: { success: false, error_code: 'VALIDATION_ERROR', message: ZOD_MESSAGE },
    },
    {
      name: 'SellRealm License API v0 (get_hwid)',
      stub: () => vi.spyOn(services().sellrealm, 'getHwid').mockImplementation(throwZod),
      call: () =>
        v0(s, {
          type: 'get_hwid',
          key: 'KEY-1',
          auth_secret: v.authSecret,
          product_id: productNum,
        }),
      body: { status: 'error', message: `Invalid request parameters: ${ZOD_MESSAGE}` },
    },
    {
      name: 'SellRealm Store API v1 (GET /api/v1/products)',
      stub: () => vi.spyOn(services().store, 'products').mockImplementation(throwZod),
      call: () =>
        s.json('/api/v1/products', { headers: { authorization: `Bearer ${v.storeSecret}` } }),
      body: { status: 'error', message: `Invalid request parameters: ${ZOD_MESSAGE}` },
    },
    {
      name: 'web console RPC (licenses.list)',
      stub: () => vi.spyOn(services().licenses, 'list').mockImplementation(throwZod),
      call: () => rpc('licenses.list', {}),
      body: {
        ok: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: '✖ Invalid input: expected string, received number',
          issues: [{ path: '', message: 'Invalid input: expected string, received number' }],
        },
      },
    },
  ]

  it.each(surfaces)('$name', async ({ stub, call, body }) => {
    stub()
    const r = await call()
    expect({ status: r.status, body: r.body }).toEqual({ status: 400, body })
  })

  it('IPC dispatch (the desktop console) answers VALIDATION_ERROR, not INTERNAL_ERROR', async () => {
    const unexpected = vi.fn()
    const handlers = { 'licenses.list': async () => throwZod() } as unknown as Handlers
    const r = await dispatch(handlers, 'licenses.list', {}, { actor: CONSOLE }, unexpected)
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_ERROR',
        message: '✖ Invalid input: expected string, received number',
        issues: [{ path: '', message: 'Invalid input: expected string, received number' }],
      },
    })
    expect(unexpected).toHaveBeenCalledTimes(0)
  })
})
