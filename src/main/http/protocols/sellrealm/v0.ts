import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../../services'
import type { Caller } from '../../../services/store/sellrealm'
import { createSharedRateLimiter } from '../../../services/licensing/ratelimit'
import { decodeParam } from './encryption'
import { SellRealmError, sendError } from './errors'
import { srDate, srDateTime } from './format'
import { GRACE_WARNING } from '@shared/policy'
import { srLicenseAnswerSchema, type SrLicenseAnswer } from '@shared/dto-schemas-sellrealm'

/**
 * Form fields arrive as text; JSON may send numbers. Either way an integer comes out. (The
 * transform wraps the union, not a branch: the document then shows both branches.)
 */
const intField = z
  .union([
    z.number().int(),
    z
      .string()
      .trim()
      .regex(/^-?\d{1,15}$/, 'must be an integer'),
  ])
  .transform(Number)
const text = (max: number) => z.string().max(max)

export const OPERATIONS = [
  'login',
  'check_session',
  'get_hwid',
  'reset_hwid',
  'restore_hwid',
  'terminate_session',
  'log_action',
  'ban_key',
] as const
type Operation = (typeof OPERATIONS)[number]

/** Every parameter of every operation (which ones an operation needs: REQUIRED below). */
export const v0Body = z.object({
  type: text(40).optional(),
  auth_secret: text(200).optional(),
  key: text(2000).optional(),
  hwid: text(2000).optional(),
  product_id: intField.optional(),
  timestamp: intField.optional(),
  session_id: text(200).optional(),
  nonce: text(200).optional(),
  action_type: text(100).optional(),
  action_details: text(4000).optional(),
  reason: text(2000).optional(),
})
type V0Body = z.infer<typeof v0Body>

/** The reference's parameter tables. `restore_hwid` (undocumented there) takes the HWID to set. */
const REQUIRED: Record<Operation, (keyof V0Body)[]> = {
  login: ['key', 'auth_secret', 'hwid', 'product_id'],
  check_session: ['session_id', 'auth_secret', 'nonce', 'product_id'],
  get_hwid: ['key', 'auth_secret'],
  reset_hwid: ['key', 'auth_secret'],
  restore_hwid: ['key', 'auth_secret', 'hwid'],
  terminate_session: ['key', 'session_id', 'nonce', 'auth_secret'],
  log_action: ['key', 'action_type', 'auth_secret'],
  ban_key: ['key', 'auth_secret'],
}

function operationOf(type: string | undefined): Operation {
  if (type === undefined || type === '' || type === 'login' || type === 'verify') return 'login'
  if ((OPERATIONS as readonly string[]).includes(type)) return type as Operation
  throw new SellRealmError(400, `Invalid type: ${type.slice(0, 40)}`)
}

/**
 * Within the grace period: the key still works, and the answer says until when (SellRealm's
 * own date-time format, like session_expires_at) and why, in two fields of its own.
 */
function graceFields(graceUntil: string | null): {
  grace_until?: string
  warning?: typeof GRACE_WARNING
} {
  return graceUntil ? { grace_until: srDateTime(graceUntil), warning: GRACE_WARNING } : {}
}

const ok = <T extends object>(message: string, extra?: T) => ({
  status: 'success' as const,
  message,
  ...extra,
})

/**
 * SellRealm License API v0: one POST endpoint, the operation in `type`, form-encoded (JSON is
 * accepted too). Parses and checks the wire request (parameters, auth_secret, timestamp,
 * encrypted parameters), calls services.sellrealm (which calls the engine), shapes the answer.
 */
export async function registerLicenseApi(
  app: FastifyInstance,
  opts: { services: Services },
): Promise<void> {
  const s = opts.services
  const r = app.withTypeProvider<ZodTypeProvider>()
  const limiter = createSharedRateLimiter(s.ctx, 'sellrealm')

  // Per client IP, before the body is even parsed: a flood costs the server next to nothing.
  // In memory with one process; with several (workers, nodes) shared by leases (a write per
  // 1/64 of the limit), so the limit holds across them.
  app.addHook('onRequest', async (req, reply) => {
    const { rate_limit_per_minute } = await s.store.config.get()
    const hit = await limiter.hit(req.origin.clientIp, rate_limit_per_minute)
    if (hit) {
      void reply.header('retry-after', String(hit.retryAfter))
      return sendError(reply, 429, 'Too Many Requests')
    }
  })

  const handler = async (req: FastifyRequest<{ Body: V0Body }>): Promise<SrLicenseAnswer> => {
    const b = req.body
    const op = operationOf(b.type)
    for (const name of REQUIRED[op]) {
      const v = b[name]
      if (v === undefined || (typeof v === 'string' && v.trim() === '')) {
        throw new SellRealmError(400, `Missing required parameter: ${name}`)
      }
    }
    const secret = b.auth_secret!
    const owner = await s.store.secrets.resolveAuth(secret)
    if (!owner) {
      await s.security.noteFailure({
        ip: req.origin.clientIp,
        reason: 'INVALID_AUTH_SECRET',
        userAgent: req.headers['user-agent'] ?? null,
      })
      throw new SellRealmError(403, 'Invalid key or auth secret')
    }
    // One reading of the services' clock for the whole request (tests fix it).
    const nowSeconds = s.ctx.clock().getTime() / 1000
    if (b.timestamp !== undefined) {
      const { timestamp_window_seconds: win } = await s.store.config.get()
      if (Math.abs(nowSeconds - b.timestamp) > win) {
        throw new SellRealmError(
          400,
          `Invalid timestamp: more than ${win} seconds from server time`,
        )
      }
    }
    const key = b.key === undefined ? '' : decodeParam(secret, 'key', b.key)
    const hwid = b.hwid === undefined ? '' : decodeParam(secret, 'hwid', b.hwid)
    const reason = b.reason === undefined ? null : decodeParam(secret, 'reason', b.reason)
    const c: Caller = {
      ownerId: owner.ownerId,
      ip: req.origin.clientIp,
      userAgent: req.headers['user-agent'] ?? null,
    }
    const serverTime = Math.floor(nowSeconds)

    switch (op) {
      case 'login': {
        const l = await s.sellrealm.login(c, { key, hwid, productNum: b.product_id! })
        return ok('Key is valid', {
          session_id: l.sessionId,
          session_expires_at: srDateTime(l.sessionExpiresAt),
          nonce: l.nonce,
          key_expires_at: srDate(l.license.expires_at),
          variables: l.variables,
          server_time: serverTime,
          level: l.license.level,
          ...graceFields(l.graceUntil),
        })
      }
      case 'check_session': {
        const cs = await s.sellrealm.checkSession(c, {
          sessionId: b.session_id!,
          nonce: b.nonce!,
          productNum: b.product_id!,
        })
        return ok('Session is active and key is valid', {
          nonce: cs.nonce,
          key_expires_at: srDate(cs.license.expires_at),
          level: cs.license.level,
          server_time: serverTime,
          session_expires_at: srDateTime(cs.sessionExpiresAt),
          ...graceFields(cs.graceUntil),
        })
      }
      case 'get_hwid':
        return ok('HWID retrieved', { hwid: await s.sellrealm.getHwid(c, key) })
      case 'reset_hwid':
        await s.sellrealm.resetHwid(c, key)
        return ok('HWID reset successfully')
      case 'restore_hwid':
        await s.sellrealm.restoreHwid(c, key, hwid)
        return ok('HWID restored successfully', { hwid })
      case 'terminate_session':
        await s.sellrealm.terminateSession(c, { key, sessionId: b.session_id!, nonce: b.nonce! })
        return ok('Session terminated')
      case 'log_action':
        await s.sellrealm.logAction(c, {
          key,
          actionType: b.action_type!,
          actionDetails: b.action_details ?? null,
        })
        return ok('Action logged successfully')
      case 'ban_key':
        await s.sellrealm.ban(c, { key, reason })
        return ok('Key has been banned successfully')
    }
  }

  for (const url of ['/api/v0/', '/api/v0']) {
    r.post(
      url,
      {
        schema: {
          tags: ['sellrealm-license'],
          summary: 'SellRealm License API v0 (operation in `type`; form-encoded or JSON)',
          body: v0Body,
          consumes: ['application/x-www-form-urlencoded', 'application/json'],
          hide: url === '/api/v0',
        },
        // A v0 request is a handful of short fields; 64 KiB is generous.
        bodyLimit: 64 * 1024,
        // Documented, not serialized: check_session is a hot path (#19).
        config: { documentedResponse: { 200: srLicenseAnswerSchema } },
      },
      handler,
    )
  }
}
