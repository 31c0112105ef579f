import { createHash } from 'node:crypto'
import type {
  FastifyReply,
  FastifyRequest,
  onResponseHookHandler,
  onSendHookHandler,
  preHandlerHookHandler,
  RouteOptions,
} from 'fastify'
import { DomainError } from '@shared/errors'
import type { Services } from '../../services'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Opt-in: `config: { idempotent: true }` honours `Idempotency-Key` on this route. */
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotencyClaim?: { scope: string; key: string; done: boolean }
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key'
export const REPLAYED_HEADER = 'Idempotent-Replayed'
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/

/** JSON with sorted keys: the same body written in another key order is the same request. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

/** Whose key space an Idempotency-Key lives in: one API key, one account, or the console. */
function callerScope(req: FastifyRequest): string {
  const p = req.principal
  if (p?.apiKeyId) return `api_key:${p.apiKeyId}`
  if (p?.actor.kind === 'account') return `account:${p.actor.accountId}`
  return p ? p.actor.kind : `ip:${req.origin.clientIp}`
}

/** The first answer to an Idempotency-Key, again: its status and stored JSON, marked replayed. */
export function sendReplay(reply: FastifyReply, outcome: { statusCode: number; body: string }) {
  return reply
    .code(outcome.statusCode)
    .header(REPLAYED_HEADER, 'true')
    .type('application/json; charset=utf-8')
    .send(outcome.body)
}

/**
 * The reusable idempotency hooks for creating POSTs (licenses, bulk licenses, products,
 * orders, webhooks, API keys): a route opts in with `config: { idempotent: true }` and
 * `idempotencyOnRoute(services)` (an onRoute hook) attaches these. Runs as a preHandler, so
 * after authentication (the key space is per caller) and after validation (an invalid body
 * claims nothing).
 *
 * - first request with a key: claims it, runs, and its answer (status + body) is stored;
 * - same key, same method/path/body: the stored answer, with `Idempotent-Replayed: true`;
 *   a duplicate that arrives while the first still runs waits for it and replays it;
 * - same key, another request: 409 CONFLICT;
 * - an answer >= 500 is not stored (the claim is released so a retry runs again).
 */
export function idempotencyHooks(services: Pick<Services, 'idempotency'>) {
  const preHandler: preHandlerHookHandler = async (req, reply) => {
    const raw = req.headers[IDEMPOTENCY_HEADER]
    if (raw === undefined) return
    const key = (Array.isArray(raw) ? raw[0] : raw).trim()
    if (!KEY_SHAPE.test(key)) {
      throw new DomainError(
        'VALIDATION_ERROR',
        'Idempotency-Key must be 1-255 visible ASCII characters',
      )
    }
    const scope = callerScope(req)
    const hash = createHash('sha256')
      .update(`${req.method}\n${req.raw.url ?? req.url}\n${canonical(req.body ?? null)}`)
      .digest('hex')
    const outcome = await services.idempotency.begin(scope, key, hash)
    if (outcome.kind === 'proceed') {
      req.idempotencyClaim = { scope, key, done: false }
      return
    }
    await sendReplay(reply, outcome)
    return reply
  }

  const onSend: onSendHookHandler = async (req, reply: FastifyReply, payload) => {
    const claim = req.idempotencyClaim
    if (!claim || claim.done) return payload
    claim.done = true
    if (reply.statusCode < 500 && typeof payload === 'string') {
      await services.idempotency.complete(claim.scope, claim.key, reply.statusCode, payload)
    } else {
      await services.idempotency.release(claim.scope, claim.key)
    }
    return payload
  }

  // The answer never got to onSend (client went away mid-request): free the key.
  const onResponse: onResponseHookHandler = async (req) => {
    const claim = req.idempotencyClaim
    if (claim && !claim.done) {
      claim.done = true
      await services.idempotency.release(claim.scope, claim.key)
    }
  }

  return { preHandler, onSend, onResponse }
}

const asList = <T>(h: T | T[] | undefined): T[] =>
  h === undefined ? [] : Array.isArray(h) ? h : [h]

/** onRoute hook: attaches the idempotency hooks to every route with `config.idempotent`. */
export function idempotencyOnRoute(services: Pick<Services, 'idempotency'>) {
  const h = idempotencyHooks(services)
  return (route: RouteOptions) => {
    if (!route.config?.idempotent) return
    route.preHandler = [...asList(route.preHandler), h.preHandler] as RouteOptions['preHandler']
    route.onSend = [h.onSend, ...asList(route.onSend)] as RouteOptions['onSend']
    route.onResponse = [...asList(route.onResponse), h.onResponse] as RouteOptions['onResponse']
  }
}
