import type { FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '@shared/errors'
import type { Actor } from '../../services/context'
import type { AccountsService } from '../../services/accounts'
import { actorOf } from '../../services/accounts'

/**
 * Who a management-API request acts as. Built by the first authenticator in the chain that
 * recognises the request's credentials.
 */
export interface Principal {
  actor: Actor
  via: 'jwt' | 'api_key'
  /** 'all' = whatever the role allows (JWT); otherwise the API key's granted scopes. */
  scopes: 'all' | string[]
  apiKeyId?: string
  /** An API key bound to one product may only touch that product. */
  productId?: string | null
  /** The API key demands an HMAC request signature (checked by the API-key engineer's hook). */
  requireSignature?: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth chain (`requireAuth`); null on routes without authentication. */
    principal: Principal | null
  }
}

/**
 * One way of recognising credentials. Returns null when the request does not carry this
 * kind of credential at all (so the next authenticator gets a turn), a Principal when it
 * does and they are good, and throws `DomainError('UNAUTHORIZED', ...)` when it does and
 * they are bad (a bad credential never falls through to another authenticator).
 *
 * Plug-in point: `createAuth([...])` in src/main/http/protocols/licensecm/index.ts lists the
 * chain. The JWT Bearer authenticator is below; the API-key authenticator (`X-API-Key`)
 * goes into the same list. Authenticators run as a preValidation hook: the body is parsed
 * (so a request-signature check may read it) but not yet validated.
 */
export type Authenticator = (req: FastifyRequest) => Promise<Principal | null>

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>

export interface AuthGuards {
  /** Runs the chain (once per request) and returns the principal, or throws UNAUTHORIZED. */
  authenticate(req: FastifyRequest): Promise<Principal>
  /** Route hook: any valid credential. */
  requireAuth: Hook
  /**
   * Route hook: a valid credential that grants `scope` (e.g. 'licenses:write'). JWT
   * principals have every scope their role allows; API keys only those they were given.
   */
  requireScope(scope: string): Hook
  /** Route hook: an admin (or owner) account; for API keys also the 'admin' scope. */
  requireAdmin: Hook
}

/** True when the principal's scopes include `scope` (exactly, or via `resource:*` or `*`). */
export function hasScope(p: Principal, scope: string): boolean {
  if (p.scopes === 'all') return true
  const resource = scope.split(':')[0]
  return p.scopes.some((s) => s === scope || s === '*' || s === `${resource}:*`)
}

export function isAdmin(actor: Actor): boolean {
  return actor.kind !== 'account' || actor.role === 'admin' || actor.role === 'owner'
}

/** Builds the guards over an ordered chain of authenticators. */
export function createAuth(authenticators: Authenticator[]): AuthGuards {
  async function authenticate(req: FastifyRequest): Promise<Principal> {
    if (req.principal) return req.principal
    for (const a of authenticators) {
      const p = await a(req)
      if (p) {
        req.principal = p
        return p
      }
    }
    throw new DomainError(
      'UNAUTHORIZED',
      'Authentication required: send Authorization: Bearer <token> or X-API-Key: <key>',
    )
  }

  return {
    authenticate,
    requireAuth: async (req) => {
      await authenticate(req)
    },
    requireScope: (scope) => async (req) => {
      const p = await authenticate(req)
      if (!hasScope(p, scope))
        throw new DomainError('FORBIDDEN', `This API key lacks the ${scope} scope`)
    },
    requireAdmin: async (req) => {
      const p = await authenticate(req)
      if (!isAdmin(p.actor) || !hasScope(p, 'admin'))
        throw new DomainError('FORBIDDEN', 'Admin access required')
    },
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i

/** The Bearer token of a request, or null when it has none. */
export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization
  if (typeof h !== 'string') return null
  const m = BEARER.exec(h)
  return m ? m[1] : null
}

/** `Authorization: Bearer <JWT>`: a management-API access token from /api/auth/login. */
export function jwtAuthenticator(accounts: AccountsService): Authenticator {
  return async (req) => {
    // Another scheme (or none) is not ours: the next authenticator may know it.
    const token = bearerToken(req)
    if (!token) return null
    const account = await accounts.authenticate(token)
    return { actor: actorOf(account), via: 'jwt', scopes: 'all' }
  }
}
