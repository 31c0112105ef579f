import Fastify, { type FastifyInstance } from 'fastify'
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
import { registerApiVersion } from './middleware/api-version'
import { registerOpenApi } from './middleware/openapi'
import { registerSecurityHeaders } from './middleware/security-headers'
import { VERSION } from '../version'

export interface HttpServerOptions {
  services: Services
  host?: string
  port?: number
  /** The console RPC handlers; with `console`, served at /console (headless web console). */
  handlers?: Handlers
  console?: ConsoleOptions
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number
  logger?: boolean
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
  const app = Fastify({
    logger: opts.logger ?? false,
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
  // Before any route: API-Version on every answer; OpenAPI from the zod schemas (onRoute).
  registerApiVersion(app)
  await registerOpenApi(app)

  // The catch-all answer for surfaces without their own: JSON, never a stack trace.
  app.setErrorHandler(
    (err: { statusCode?: number; code?: string; message: string }, req, reply) => {
      const status =
        err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
      if (status >= 500) req.log.error(err)
      void reply.status(status).send({
        success: false,
        message: status >= 500 ? 'Internal server error' : err.message,
        error_code: status >= 500 ? 'INTERNAL_ERROR' : (err.code ?? 'BAD_REQUEST'),
      })
    },
  )
  app.setNotFoundHandler((req, reply) => {
    void reply
      .status(404)
      .send({ success: false, message: 'Route not found', error_code: 'NOT_FOUND' })
  })

  const started = Date.now()
  app.get('/api/health', async () => ({
    status: 'ok',
    version: VERSION,
    uptime_seconds: Math.round((Date.now() - started) / 1000),
    time: new Date().toISOString(),
  }))

  await app.register(registerLicensecm, { services: opts.services })
  await app.register(registerSellRealm, { services: opts.services })

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
