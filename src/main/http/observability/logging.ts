import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import pretty from 'pino-pretty'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/**
 * `--log-level` / `KEYWARDEN_LOG_LEVEL`: one of LOG_LEVELS (any case); undefined or '' is
 * 'info'. Throws a one-line message naming the choices.
 */
export function parseLogLevel(text: string | undefined): LogLevel {
  if (text === undefined || text.trim() === '') return 'info'
  const level = text.trim().toLowerCase()
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel
  throw new Error(`--log-level takes one of ${LOG_LEVELS.join(', ')} (got ${text})`)
}

const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-license-key',
  'x-setup-token',
  'x-store-secret',
  'x-auth-secret',
  'x-csrf-token',
  'x-signature',
  'x-timestamp-signature',
  'x-devpayr-signature',
  'x-webhook-signature',
  'x-keywarden-signature',
  'keywarden-signature',
]
const SECRET_FIELDS = [
  'password',
  'new_password',
  'current_password',
  'token',
  'secret',
  'key',
  'license_key',
  'api_key',
  'auth_secret',
  'store_secret',
  'setup_token',
  'authKey',
]

/**
 * Redaction paths: the request's secret headers wherever a request or its headers are logged,
 * and any secret-named field one or two levels down (bodies, errors' details). The request
 * line itself never carries headers, bodies or query strings; these are the safety net.
 */
export const REDACT_PATHS = [
  ...SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`]),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
]

export interface LoggerSetup {
  level?: LogLevel
  /** Where lines go (tests: a memory stream; desktop: the rotating file). Default stdout. */
  destination?: DestinationStream
}

/**
 * The one pino logger of a Keywarden: JSON lines with ISO times and redaction; on a terminal
 * (stdout a TTY, no destination given) pretty-printed by pino-pretty.
 */
export function createLogger(setup: LoggerSetup = {}): Logger {
  const options: LoggerOptions = {
    level: setup.level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    mixin: (_obj, _level, logger) => {
      const id = requestIds.get(logger)?.id
      return id === undefined ? {} : { request_id: id }
    },
  }
  if (setup.destination) return pino(options, setup.destination)
  // pino-pretty as a stream in this thread, not a transport: a transport's worker resolves its
  // files at run time, which the bundled main process (out/main) does not have.
  if (setup.level !== 'silent' && process.stdout.isTTY)
    return pino(options, pretty({ colorize: true }))
  return pino(options)
}

/** Each request's logger → its (possibly replaced) request id; read by the mixin. */
const requestIds = new WeakMap<object, { id: string }>()

/**
 * Fastify's per-request child logger without a fixed `reqId` binding: the id is added by the
 * mixin from `requestIds`, so that request-id.ts may replace a generated id with a trusted
 * caller's after the request's origin is known.
 */
export const childLoggerFactory: FastifyServerOptions['childLoggerFactory'] = function (
  logger,
  bindings,
  opts,
) {
  const child = logger.child({}, opts)
  requestIds.set(child, { id: String(bindings.reqId) })
  return child
}

/** Records `id` as the request id of the request whose logger is `log`. */
export function setLoggedRequestId(log: object, id: string): void {
  const entry = requestIds.get(log)
  if (entry) entry.id = id
}

/**
 * One line per completed request: method, route pattern (never the raw URL: query strings
 * may carry keys), status, milliseconds, client address as the trust model decided it, and the
 * request id. The line has this fixed shape of scalars, none of them a secret, so it is written
 * by a child without the redaction paths: matching them against every field cost ~6 µs a line
 * (a tenth of a validate's CPU); everything else logged, with headers, bodies or errors, is
 * still redacted.
 */
export function registerRequestLog(app: FastifyInstance): void {
  const lines = app.log.child({}, { redact: [] })
  app.addHook('onResponse', async (req, reply) => {
    lines.info(
      {
        request_id: requestIds.get(req.log)?.id ?? String(req.id),
        method: req.method,
        route: req.routeOptions.url ?? '(unmatched)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        client: req.origin?.clientIp ?? req.socket.remoteAddress ?? '',
      },
      'request completed',
    )
  })
}
