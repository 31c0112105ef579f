import { z } from 'zod'
import { contract, isChannel } from '@shared/contract'
import { isDomainError } from '@shared/errors'
import type { CallContext, Handlers } from './handlers/index'
import { allows, refusal } from './audience'
import { isZodError } from '../validation/zod-error'

export type { RpcResult } from '@shared/rpc'
import type { RpcResult } from '@shared/rpc'

/**
 * Checks the caller against the channel's declared audience, validates the input against the
 * contract and runs its handler. Both transports use this, so a refused call or a bad input
 * gets the same answer over IPC and HTTP, and no stack trace leaves.
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawInput: unknown,
  cx: CallContext,
  onUnexpected: (e: unknown) => void = () => {},
): Promise<RpcResult> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel ${channel}` } }
  }
  const { audience } = contract[channel]
  if (!allows(audience, cx.actor)) {
    return { ok: false, error: { code: 'FORBIDDEN', message: refusal(channel, audience) } }
  }
  const parsed = contract[channel].input.safeParse(rawInput ?? undefined)
  if (!parsed.success) return invalid(parsed.error)
  try {
    const handler = handlers[channel] as (i: unknown, cx: CallContext) => Promise<unknown>
    return { ok: true, data: await handler(parsed.data, cx) }
  } catch (e) {
    if (isDomainError(e)) return { ok: false, error: { code: e.code, message: e.message } }
    // A handler or service that parsed again and threw: a bad input, never an internal error.
    if (isZodError(e)) return invalid(e)
    onUnexpected(e)
    return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'Internal error' } }
  }
}

/** VALIDATION_ERROR naming every issue (the channel's input, or a parse that escaped a handler). */
function invalid(error: z.core.$ZodError): RpcResult {
  return {
    ok: false,
    error: {
      code: 'VALIDATION_ERROR',
      message: z.prettifyError(error),
      issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
  }
}
