import { existsSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import fastifyStatic from '@fastify/static'
import { z } from 'zod'
import type { Services } from '../../services'
import type { Handlers } from '../../rpc/handlers'
import { dispatch } from '../../rpc/dispatch'
import type { Actor } from '../../services/context'
import { safeEqual } from '../../crypto/random'
import { ConsoleSessions } from './sessions'

export interface ConsoleOptions {
  /** The one-time setup token printed by `serve` (used until accounts exist, and after). */
  setupToken: string
  /** The built renderer (out/renderer); served at /console when present. */
  staticDir?: string
  /** Extra ways to log in (accounts); returns the actor or null. */
  authenticate?: (body: unknown) => Promise<Actor | null>
  /**
   * Re-reads a logged-in actor on every call: the current one (a changed role applies at
   * once), or null for a deactivated account, which logs the session out.
   */
  currentActor?: (actor: Actor) => Promise<Actor | null>
}

const COOKIE = 'kw_console'
const loginBody = z.union([
  z.object({ token: z.string().min(1).max(200) }),
  z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1000) }),
])

/**
 * The headless web console: the same contract handlers as the desktop IPC, over HTTP.
 * A login sets an HttpOnly, SameSite=Strict cookie; every RPC also needs the CSRF token the
 * login returned, in `X-CSRF-Token`, so a cross-site form can never drive the console.
 */
export async function registerConsole(
  app: FastifyInstance,
  opts: ConsoleOptions & { handlers: Handlers; services: Services },
): Promise<void> {
  const sessions = new ConsoleSessions()
  await app.register(cookie)

  function current(req: FastifyRequest) {
    const sid = req.cookies[COOKIE]
    return sid ? sessions.get(sid) : undefined
  }

  function requireSession(req: FastifyRequest, reply: FastifyReply, csrf: boolean) {
    const s = current(req)
    if (!s) {
      void reply
        .status(401)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Log in to the console' } })
      return undefined
    }
    const header = req.headers['x-csrf-token']
    if (csrf && (typeof header !== 'string' || !safeEqual(header, s.csrf))) {
      void reply
        .status(403)
        .send({ ok: false, error: { code: 'FORBIDDEN', message: 'Missing or wrong CSRF token' } })
      return undefined
    }
    return s
  }

  app.post(
    '/console/login',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const body = loginBody.safeParse(req.body)
      if (!body.success) {
        return reply.status(400).send({
          ok: false,
          error: { code: 'VALIDATION_ERROR', message: 'Send a token, or an email and password' },
        })
      }
      let actor: Actor | null = null
      if ('token' in body.data) {
        if (safeEqual(body.data.token, opts.setupToken)) actor = { kind: 'console' }
      } else if (opts.authenticate) {
        actor = await opts.authenticate(body.data)
      }
      if (!actor) {
        return reply.status(401).send({
          ok: false,
          error: { code: 'UNAUTHORIZED', message: 'Wrong token or credentials' },
        })
      }
      const s = sessions.create(actor)
      void reply.setCookie(COOKIE, s.id, {
        path: '/console',
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        maxAge: Math.floor(ConsoleSessions.TTL_MS / 1000),
      })
      return { ok: true, data: { csrf: s.csrf } }
    },
  )

  app.get('/console/session', async (req, reply) => {
    const s = current(req)
    if (!s)
      return reply
        .status(401)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Not logged in' } })
    return { ok: true, data: { csrf: s.csrf } }
  })

  app.post('/console/logout', async (req, reply) => {
    const s = requireSession(req, reply, true)
    if (!s) return reply
    sessions.delete(s.id)
    void reply.clearCookie(COOKIE, { path: '/console' })
    return { ok: true, data: null }
  })

  app.post<{ Params: { channel: string } }>('/console/rpc/:channel', async (req, reply) => {
    const s = requireSession(req, reply, true)
    if (!s) return reply
    const actor = opts.currentActor ? await opts.currentActor(s.actor) : s.actor
    if (!actor) {
      sessions.delete(s.id)
      return reply
        .status(401)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Account is deactivated' } })
    }
    const result = await dispatch(opts.handlers, req.params.channel, req.body, { actor }, (e) =>
      req.log.error(e),
    )
    if (!result.ok) {
      const status =
        result.error.code === 'VALIDATION_ERROR'
          ? 400
          : result.error.code === 'FORBIDDEN'
            ? 403
            : result.error.code === 'INTERNAL_ERROR'
              ? 500
              : 200
      return reply.status(status).send(result)
    }
    return result
  })

  // Live pushes (new events) as Server-Sent Events: the browser twin of IPC `on()`. Open streams
  // never go idle, so closing the server ends them (otherwise a restart would wait for the tab).
  const streams = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of streams) end()
  })
  app.get('/console/events', async (req, reply) => {
    const s = requireSession(req, reply, false)
    if (!s) return reply
    // Each push is filtered for this session's actor (a `user` account gets its own products'
    // events only), re-read at every keep-alive so a changed role reaches an open stream.
    const opened = opts.currentActor ? await opts.currentActor(s.actor) : s.actor
    if (!opened) {
      sessions.delete(s.id)
      return reply
        .status(401)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Account is deactivated' } })
    }
    let actor: Actor = opened
    reply.hijack()
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    reply.raw.write(': connected\n\n')
    const unsubscribe = opts.services.events.subscribe(
      () => actor,
      (payload) => reply.raw.write(`event: events.new\ndata: ${JSON.stringify(payload)}\n\n`),
    )
    const ping = setInterval(() => {
      reply.raw.write(': ping\n\n')
      if (!opts.currentActor) return
      void opts.currentActor(s.actor).then(
        (now) => (now ? (actor = now) : end()),
        () => end(),
      )
    }, 25_000)
    const stop = () => {
      clearInterval(ping)
      unsubscribe()
      streams.delete(end)
    }
    const end = () => {
      stop()
      reply.raw.end()
    }
    streams.add(end)
    req.raw.on('close', stop)
  })

  if (opts.staticDir && existsSync(opts.staticDir)) {
    await app.register(fastifyStatic, {
      root: opts.staticDir,
      prefix: '/console/',
      decorateReply: false,
      setHeaders: (reply) => {
        void reply
          .header('x-content-type-options', 'nosniff')
          .header('x-frame-options', 'DENY')
          .header('referrer-policy', 'no-referrer')
      },
    })
    app.get('/console', (_req, reply) => reply.redirect('/console/'))
  } else {
    app.get('/console/', async (_req, reply) =>
      reply.status(503).type('text/plain').send('The console is not built: run npm run build'),
    )
  }
}
