import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { DomainError } from '@shared/errors'
import { changePasswordSchema, loginSchema, registerSchema } from '@shared/accounts'
import { bearerToken } from '../../middleware/auth'
import { safeEqual } from '../../../crypto/random'
import { principalOf, typed, type RouteFamily } from './context'
import { accountDtoSchema, authResultSchema } from '@shared/dto-schemas'
import { envelope, ok } from './reply'

const tokenAnswer = { 200: envelope(z.object({ token: z.string() })) }

/** Sign-in attempts per minute per client IP and email (on top of scrypt's own cost). */
const AUTH_PER_MINUTE = 10

const authLimit = {
  rateLimit: {
    max: AUTH_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => {
      const email = (req.body as { email?: unknown } | undefined)?.email
      return `${req.origin.clientIp}|${typeof email === 'string' ? email.toLowerCase() : ''}`
    },
    // The key needs the parsed body.
    hook: 'preValidation' as const,
  },
}

/** POST /api/auth/register, /login, /refresh; GET /api/auth/me. */
export const authRoutes: RouteFamily = async (app, { services, setupToken }) => {
  const r = typed(app)

  r.post(
    '/auth/register',
    {
      schema: {
        response: { 201: envelope(authResultSchema) },
        summary:
          'Register an account (the first one needs the setup token in X-Setup-Token, becomes admin)',
        body: registerSchema,
        tags: ['auth'],
      },
      config: { ...authLimit, access: 'public' },
    },
    async (req, reply) => {
      const sent = req.headers['x-setup-token']
      const result = await services.accounts.register(req.body, {
        via: 'api',
        ip: req.origin.clientIp,
        setupToken:
          typeof sent !== 'string'
            ? 'missing'
            : setupToken && safeEqual(sent, setupToken)
              ? 'valid'
              : 'wrong',
      })
      return reply.status(201).send(ok(result))
    },
  )

  r.post(
    '/auth/login',
    {
      schema: {
        summary: 'Log in with email and password',
        body: loginSchema,
        response: { 200: envelope(authResultSchema) },
        tags: ['auth'],
      },
      config: { ...authLimit, access: 'public' },
    },
    async (req) => ok(await services.accounts.login(req.body, { ip: req.origin.clientIp })),
  )

  r.post(
    '/auth/refresh',
    {
      schema: {
        summary: 'Exchange the current (or recently expired) token for a new one',
        response: tokenAnswer,
        body: z.object({ token: z.string().max(4096).optional() }).nullish(),
        tags: ['auth'],
      },
      // The token travels as the credential but may have expired: refresh checks it itself.
      config: { access: 'public' },
    },
    async (req) => {
      // The current (or recently expired) token, from the header or the body.
      const token = bearerToken(req) ?? req.body?.token
      if (!token)
        throw new DomainError(
          'UNAUTHORIZED',
          'Send the current token as Authorization: Bearer <token>',
        )
      return ok(await services.accounts.refresh(token))
    },
  )

  r.get(
    '/auth/me',
    {
      schema: {
        summary: 'The logged-in account',
        response: { 200: envelope(accountDtoSchema) },
        tags: ['auth'],
      },
      config: { access: 'authenticated' },
    },
    async (req) => ok(await services.accounts.me(principalOf(req).actor)),
  )

  // Keywarden addition: changing the password revokes every older token.
  r.put(
    '/auth/password',
    {
      schema: {
        summary: 'Change the password (revokes every older token)',
        response: tokenAnswer,
        body: changePasswordSchema,
        tags: ['auth'],
      },
      config: { ...authLimit, access: 'authenticated' },
    },
    async (req) => {
      const p = principalOf(req)
      if (p.via !== 'jwt') throw new DomainError('FORBIDDEN', 'Log in with a password to change it')
      return ok(await services.accounts.changePassword(p.actor, req.body))
    },
  )
}
