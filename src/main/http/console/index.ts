import { existsSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import { z } from 'zod'
import type { Services } from '../../services'
import type { Handlers } from '../../rpc/handlers'
import { dispatch } from '../../rpc/dispatch'
import { ACCOUNT_SESSIONS_ENDED } from '../../services/accounts'
import { managementDoor } from '../middleware/management-door'
import type { Actor } from '../../services/context'
import type { OutputOf } from '@shared/contract'
import { safeEqual } from '../../crypto/random'
import { DomainError } from '@shared/errors'
import { loginSchema, type LoginInput } from '@shared/accounts'
import { mapConsoleError } from './errors'
import { ConsoleSessions } from './sessions'
import { sharedRateLimitStore } from '../middleware/shared-rate-limit'
import { registerLicenseExport } from './export'

export interface ConsoleOptions {
  /** The setup token printed by `serve`: logs in only while no account exists. */
  setupToken: string
  /** The built renderer (out/renderer); served at /console when present. */
  staticDir?: string
  /** Extra ways to log in (accounts); returns the actor or null. */
  authenticate?: (body: LoginInput, meta: { ip: string }) => Promise<Actor | null>
  /**
   * Re-reads a logged-in actor on every call: the current one (a changed role applies at
   * once), or null for a deactivated account, which logs the session out.
   */
  currentActor?: (actor: Actor) => Promise<Actor | null>
}

const COOKIE = 'kw_console'
/** The console's login edge: the setup token, or the accounts' own login schema. */
const loginBody = z.union([z.object({ token: z.string().min(1).max(200) }), loginSchema])

/**
 * The headless web console: the same contract handlers as the desktop IPC, over HTTP.
 * A login sets an HttpOnly, SameSite=Strict cookie; every RPC also needs the CSRF token the
 * login returned, in `X-CSRF-Token`, so a cross-site form can never drive the console.
 */
export async function registerConsole(
  app: FastifyInstance,
  opts: ConsoleOptions & { handlers: Handlers; services: Services },
): Promise<void> {
  const sessions = new ConsoleSessions(opts.services.ctx)
  await app.register(cookie)
  // The console's door is the management API's (Host, Origin, this machine unless opened, JSON).
  app.addHook('onRequest', async (req, reply) => {
    const refusal = await managementDoor(req, opts.services)
    if (refusal) {
      await reply
        .status(refusal.status)
        .send({ ok: false, error: { code: refusal.code, message: refusal.message } })
    }
  })
  // A changed password logs the account's console sessions out (its JWTs end by token_version).
  const endAccount = (accountId: string) => {
    sessions.endAccount(accountId).catch((e: unknown) => app.log.error(e))
  }
  opts.services.bus.on(ACCOUNT_SESSIONS_ENDED, endAccount)
  app.addHook('onClose', async () => {
    opts.services.bus.off(ACCOUNT_SESSIONS_ENDED, endAccount)
  })
  // Login attempts are limited like API logins: per client (origin model) and email. Counted
  // in the database, so the limit holds across nodes (guesses spread over N nodes get no
  // more tries); a login is rare enough for the write.
  await app.register(rateLimit, {
    global: false,
    store: sharedRateLimitStore(opts.services.ctx, 'console-login'),
    errorResponseBuilder: (_req, c) =>
      new DomainError('RATE_LIMITED', `Too many login attempts: retry in ${c.after}`),
  })
  // Every error under /console (the limiter's 429, a body nested too deeply, bad JSON) in
  // the console's RPC shape, by the console's one mapping.
  app.setErrorHandler((err: unknown, req, reply) => {
    const m = mapConsoleError(err)
    if (m.unexpected) req.log.error(err)
    return reply.status(m.status).send(m.body)
  })

  async function current(req: FastifyRequest) {
    const sid = req.cookies[COOKIE]
    return sid ? sessions.get(sid) : undefined
  }

  async function requireSession(req: FastifyRequest, reply: FastifyReply, csrf: boolean) {
    const s = await current(req)
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
    {
      config: {
        rateLimit: {
          max: 10,
          timeWindow: 60_000,
          keyGenerator: (req: FastifyRequest) => {
            const email = (req.body as { email?: unknown } | undefined)?.email
            return `${req.origin.clientIp}|${typeof email === 'string' ? email.toLowerCase() : ''}`
          },
          // The key needs the parsed body.
          hook: 'preValidation',
        },
      },
    },
    async (req, reply) => {
      const body = loginBody.safeParse(req.body)
      if (!body.success) {
        return reply.status(400).send({
          ok: false,
          error: { code: 'VALIDATION_ERROR', message: 'Send a token, or an email and password' },
        })
      }
      let actor: Actor | null = null
      const ip = req.origin.clientIp
      if ('token' in body.data) {
        // The setup token is for the first admin only: once an account exists it logs no one in.
        if (!(await opts.services.accounts.isEmpty())) {
          return reply.status(401).send({
            ok: false,
            error: {
              code: 'UNAUTHORIZED',
              message:
                'The setup token stops working once an admin account exists: log in with email and password',
            },
          })
        }
        if (safeEqual(body.data.token, opts.setupToken)) actor = { kind: 'console' }
        else await opts.services.accounts.setupTokenFailed({ ip })
      } else if (opts.authenticate) {
        actor = await opts.authenticate(body.data, { ip })
      }
      if (!actor) {
        return reply.status(401).send({
          ok: false,
          error: { code: 'UNAUTHORIZED', message: 'Wrong token or credentials' },
        })
      }
      const s = await sessions.create(actor)
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

  /**
   * The actor a session acts as now, or why the session has ended: a setup-token session ends
   * once the first account exists (the token is for the first admin only), an account's when
   * it is deactivated (a changed role applies at once).
   */
  async function liveActor(actor: Actor): Promise<{ actor: Actor } | { ended: string }> {
    if (actor.kind === 'console' && !(await opts.services.accounts.isEmpty())) {
      return {
        ended:
          'The setup token stopped working when the first account was created: log in with its email and password',
      }
    }
    const now = opts.currentActor ? await opts.currentActor(actor) : actor
    return now ? { actor: now } : { ended: 'Account is deactivated' }
  }

  app.get('/console/session', async (req, reply) => {
    const s = await current(req)
    const live = s ? await liveActor(s.actor) : { ended: 'Not logged in' }
    if (!s || 'ended' in live) {
      if (s) await sessions.delete(s.id)
      return reply.status(401).send({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'ended' in live ? live.ended : '' },
      })
    }
    return { ok: true, data: { csrf: s.csrf } }
  })

  app.post('/console/logout', async (req, reply) => {
    const s = await requireSession(req, reply, true)
    if (!s) return reply
    await sessions.delete(s.id)
    void reply.clearCookie(COOKIE, { path: '/console' })
    return { ok: true, data: null }
  })

  app.post<{ Params: { channel: string } }>('/console/rpc/:channel', async (req, reply) => {
    const s = await requireSession(req, reply, true)
    if (!s) return reply
    const live = await liveActor(s.actor)
    if ('ended' in live) {
      await sessions.delete(s.id)
      return reply
        .status(401)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: live.ended } })
    }
    const { actor } = live
    const result = await dispatch(opts.handlers, req.params.channel, req.body, { actor }, (e) =>
      req.log.error(e),
    )
    if (result.ok && actor.kind === 'console' && req.params.channel === 'accounts.create') {
      // The setup token made the first account: this session goes on as that admin, and the
      // token (and every other session it opened) stops working.
      const first = result.data as OutputOf<'accounts.create'>
      await sessions.setActor(s.id, { kind: 'account', accountId: first.id, role: first.role })
    }
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

  registerLicenseExport(app, opts.services, async (req, reply) => {
    const s = await requireSession(req, reply, false)
    if (!s) return undefined
    const live = await liveActor(s.actor)
    if ('ended' in live) {
      await sessions.delete(s.id)
      void reply
        .status(401)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: live.ended } })
      return undefined
    }
    return live.actor
  })

  // Live pushes (new events) as Server-Sent Events: the browser twin of IPC `on()`. Open streams
  // never go idle, so closing the server ends them (otherwise a restart would wait for the tab).
  const streams = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of streams) end()
  })
  app.get('/console/events', async (req, reply) => {
    const s = await requireSession(req, reply, false)
    if (!s) return reply
    // Each push is filtered for this session's actor (a `user` account gets its own products'
    // events only). A session that ends (logout, password change, the setup token retired)
    // ends its stream at the next push; the actor is re-read at every keep-alive, so a changed
    // role or a deactivation reaches an open stream within one.
    const opened = await liveActor(s.actor)
    if ('ended' in opened) {
      await sessions.delete(s.id)
      return reply
        .status(401)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: opened.ended } })
    }
    let actor: Actor = opened.actor
    reply.hijack()
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    reply.raw.write(': connected\n\n')
    // The session is re-read from the database before each push (pushes are rare next to
    // requests), so a logout on any node ends this stream before it sends anything more.
    // Pushes are chained so that they keep their order across the reads.
    let pushes: Promise<unknown> = Promise.resolve()
    const unsubscribe = opts.services.events.subscribe(
      () => actor,
      (payload) => {
        pushes = pushes.then(async () => {
          if (closed) return
          if (!(await sessions.get(s.id).catch(() => undefined))) return end()
          if (closed) return
          reply.raw.write(`event: events.new\ndata: ${JSON.stringify(payload)}\n\n`)
        })
      },
    )
    const ping = setInterval(() => {
      reply.raw.write(': ping\n\n')
      void sessions
        .get(s.id)
        .then(async (now) => (now ? { now, live: await liveActor(now.actor) } : undefined))
        .then(
          (r) => (closed ? undefined : !r || 'ended' in r.live ? end() : (actor = r.live.actor)),
          () => (closed ? undefined : end()),
        )
    }, 25_000)
    let closed = false
    const stop = () => {
      closed = true
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
