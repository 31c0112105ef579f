import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Services } from '../../../services'
import type { SignedCall } from '../../../services/hirez'
import { hirezDate } from '../../../services/hirez/signature'
import { NulTextError } from '../../middleware/json-depth'
import { hirezErrorHandler, mapHirezError, refusalAnswer } from './errors'
import { sendAnswer, type Format } from './format'
import { METHODS, pingText, type MethodDef } from './methods'

const FORMATS: readonly Format[] = ['json', 'xml']
const segment = z.string().max(256)

/**
 * The method segment of a /hirez URL in lowercase (`/hirez/CreateSessionJSON/…` ->
 * `/hirez/createsessionjson/…`): method names are case-insensitive, Fastify's router is not.
 * Given to Fastify as `rewriteUrl` (server.ts), so each method stays one documented route.
 */
export function canonicalHirezUrl(url: string): string {
  const m = /^\/hirez\/([^/?#]+)/.exec(url)
  if (!m) return url
  return `/hirez/${m[1].toLowerCase()}${url.slice(m[0].length)}`
}

const ACCESS_NOTE =
  'Access: `public` at the HTTP layer. No account, JWT or API key: the credential is the ' +
  'developer id and the MD5 signature in the URL (signature = md5(devId + method + authKey + ' +
  'timestamp), method lowercase without its format, timestamp YYYYMMDDHHmmss UTC within ±5 ' +
  'minutes), and every method but createsession also names a live session. Errors are HTTP ' +
  '200 with `ret_msg`; an unknown method is a 404.'

function docSchema(def: MethodDef) {
  const ret = z.string().nullable().describe('null on success, else the error')
  if (def.shape === 'string') return z.string()
  if (def.shape === 'object') {
    return z.object({ ret_msg: ret, session_id: z.string().nullable(), timestamp: z.string() })
  }
  return z.array(z.looseObject({ ret_msg: ret }))
}

/** Path parameters of a method, in URL order. */
function paramsOf(def: MethodDef): string[] {
  return ['devId', 'signature', ...(def.session ? ['session'] : []), 'timestamp', ...def.extra]
}

/**
 * The Hi-Rez-style developer API at /hirez/: `/{method}{json|xml}/{devId}/{signature}/{session}
 * /{timestamp}[/params…]` (createsession without the session, ping without anything). One
 * encapsulated scope with its own error handler and 404, both in the protocol's shape.
 */
export async function registerHirez(
  app: FastifyInstance,
  opts: { services: Services },
): Promise<void> {
  const { services } = opts
  await app.register(async (scope) => {
    scope.setErrorHandler(hirezErrorHandler)

    for (const format of FORMATS) {
      scope.get(
        `/hirez/ping${format}`,
        {
          schema: {
            tags: ['hirez'],
            summary: `Ping (${format.toUpperCase()}): server name, version and date`,
            description: 'Access: `public`; no parameters, no signature.',
            response: { 200: z.string() },
          },
          config: { access: 'public' },
        },
        async (_req, reply) =>
          sendAnswer(reply, format, { kind: 'string', value: pingText(services.ctx.clock()) }),
      )
    }

    for (const def of METHODS) {
      const names = paramsOf(def)
      const params = z.object(Object.fromEntries(names.map((n) => [n, segment])))
      const path = names.map((n) => `:${n}`).join('/')
      for (const format of FORMATS) {
        scope.get(
          `/hirez/${def.name}${format}/${path}`,
          {
            schema: {
              tags: ['hirez'],
              summary: `${def.summary} (${format.toUpperCase()})`,
              description: ACCESS_NOTE,
              params,
              response: { 200: docSchema(def) },
            },
            config: { access: 'public' },
          },
          (req, reply) => serve(services, def, format, req, reply),
        )
      }
    }

    // Anything else under /hirez (an unknown method, a wrong number of segments, another
    // HTTP method): the reference's 404, in the format the path asks for.
    scope.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: '/hirez/*',
      schema: { hide: true },
      config: { access: 'public' },
      handler: async (req, reply) => hirezErrorHandler({ statusCode: 404 }, req, reply),
    })
  })
}

/** One signed call: the gate (services), the method, and its answer or refusal in its shape. */
async function serve(
  services: Services,
  def: MethodDef,
  format: Format,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const params = req.params as Record<string, string>
  const call: SignedCall = {
    method: def.name,
    devId: params.devId,
    signature: params.signature,
    timestamp: params.timestamp,
    session: def.session ? params.session : undefined,
    ip: req.origin.clientIp,
  }
  try {
    // PostgreSQL's text cannot hold U+0000: refused where it enters, as on every surface.
    for (const [name, v] of Object.entries(params)) {
      if (v.includes('\u0000')) throw new NulTextError('params', [name])
    }
    const auth = await services.hirez.access.authenticate(call)
    const answer = await def.run({ auth, call, params, services, now: services.ctx.clock() })
    return sendAnswer(reply, format, answer)
  } catch (e) {
    const m = mapHirezError(e, call)
    if (m.unexpected) req.log.error(e)
    const now = hirezDate(services.ctx.clock())
    return sendAnswer(
      reply,
      format,
      refusalAnswer(def.shape, def.element, m.message, now),
      m.status,
    )
  }
}
