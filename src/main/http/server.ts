import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { Services } from '../services'
import type { Handlers } from '../rpc/handlers'
import { registerConsole, type ConsoleOptions } from './console'
import { registerLicensecm } from './protocols/licensecm'
import { registerSellRealm } from './protocols/sellrealm'
import { registerDevpayr } from './protocols/devpayr'
import { canonicalHirezUrl, registerHirez } from './protocols/hirez'
import { registerApiVersion } from './middleware/api-version'
import { registerOpenApi } from './middleware/openapi'
import { refuseDeepBodies } from './middleware/json-depth'
import { registerRequestOrigin } from './middleware/origin'
import { registerSecurityHeaders } from './middleware/security-headers'
import { VERSION } from '../version'
import { childLoggerFactory, createLogger, registerRequestLog } from './observability/logging'
import { generateRequestId, registerRequestId } from './observability/request-id'
import { registerReady } from './observability/ready'
import { healthSchema } from '@shared/dto-schemas-mgmt'
import { registerMetrics, type MetricsOptions } from './observability/metrics'
import { clientErrorHandler, protocolErrorHandler, protocolNotFound } from './errors'
import {
  currentLimits,
  enforceConnectionLimits,
  fastifyLimitOptions,
  type ConnectionLimits,
} from './limits'

export interface HttpServerOptions {
  services: Services
  host?: string
  port?: number
  /** The console RPC handlers; with `console`, served at /console (headless web console). */
  handlers?: Handlers
  console?: ConsoleOptions
  /** Creates the first account over HTTP (`X-Setup-Token`) while no account exists. */
  setupToken?: string
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number
  /** Overrides the `http_*` settings' timeouts and connection caps (tests use small ones). */
  limits?: Partial<ConnectionLimits>
  /** Where the server logs (observability/logging.ts createLogger); default: nothing. */
  logger?: FastifyBaseLogger
  /** GET /metrics (observability/metrics.ts); off by default. */
  metrics?: MetricsOptions
}

export interface HttpServer {
  url: string
  host: string
  port: number
  app: FastifyInstance
  /** Stops accepting connections and waits for in-flight requests to finish. */
  close(): Promise<void>
}

export const DEFAULT_PORT = 47293

/** Builds the Fastify app with every surface registered, without listening. */
export async function buildApp(opts: HttpServerOptions): Promise<FastifyInstance> {
  await opts.services.settings.get()
  const limits = currentLimits(opts.services.settings, opts.limits)
  const app = Fastify({
    ...fastifyLimitOptions(limits()),
    // Bad URLs and malformed HTTP answer in the protocol's shape, never with a framework code.
    frameworkErrors: protocolErrorHandler,
    // Hi-Rez method names are case-insensitive: its method segment is routed in lowercase.
    rewriteUrl: (req) => canonicalHirezUrl(req.url ?? '/'),
    clientErrorHandler,
    loggerInstance: opts.logger ?? createLogger({ level: 'silent' }),
    childLoggerFactory,
    genReqId: generateRequestId,
    // One line per request is written by registerRequestLog (route pattern, no raw URL).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: false,
    // Closing must not hang on idle keep-alive sockets (graceful close still drains requests).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await app.register(formbody)
  await registerSecurityHeaders(app)
  // Where each request comes from (client address, local or not, proxy): before every check.
  registerRequestOrigin(app, opts.services, opts.host ?? '127.0.0.1')
  // After the origin (a trusted caller's X-Request-Id is kept): the id on every answer.
  registerRequestId(app)
  registerRequestLog(app)
  // Before any route: a body nested too deeply is a 400 on every surface (json-depth.ts).
  refuseDeepBodies(app)
  // Before any route: API-Version on every answer; OpenAPI from the zod schemas (onRoute).
  registerApiVersion(app)
  await registerOpenApi(app)

  enforceConnectionLimits(app.server, limits)
  // Errors and 404s outside a protocol's own scope: in the shape of the protocol of the path.
  app.setErrorHandler(protocolErrorHandler)
  app.setNotFoundHandler(protocolNotFound)

  const started = Date.now()
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness: the server answers',
        tags: ['meta'],
        response: { 200: healthSchema },
      },
    },
    async () => ({
      status: 'ok' as const,
      version: VERSION,
      uptime_seconds: Math.round((Date.now() - started) / 1000),
      time: new Date().toISOString(),
    }),
  )

  // Routes after the error handlers (a route keeps the handler set when it is registered).
  registerReady(app, opts.services)
  registerMetrics(app, opts.services, opts.metrics)

  await app.register(registerLicensecm, {
    services: opts.services,
    setupToken: opts.setupToken ?? opts.console?.setupToken,
  })
  await app.register(registerSellRealm, { services: opts.services })
  await app.register(registerDevpayr, { services: opts.services })
  await app.register(registerHirez, { services: opts.services })

  if (opts.console && opts.handlers) {
    await app.register(registerConsole, {
      ...opts.console,
      handlers: opts.handlers,
      services: opts.services,
    })
  }
  return app
}

/** Builds the app and listens. Port 0 picks a free port (tests). */
export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const app = await buildApp(opts)
  const host = opts.host ?? '127.0.0.1'
  await app.listen({ host, port: opts.port ?? DEFAULT_PORT })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? DEFAULT_PORT)
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    app,
    close: () => app.close(),
  }
}
