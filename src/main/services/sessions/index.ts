import type { Executor } from '../../db/connection'
import type { Session } from '../../db/schema'
import * as repo from '../../db/repositories/sessions'
import { randomToken, sha256Hex, uuid } from '../../crypto/random'
import type { ServiceContext } from '../context'

export interface OpenSession {
  licenseId: string
  machineId: string | null
  hwid: string | null
  protocol: string
  ip: string | null
  userAgent: string | null
  /** Session length (product policy `session_minutes`). */
  minutes: number
  /** Issue a rotating nonce as well (SellRealm). */
  withNonce?: boolean
  now: Date
}

export interface OpenedSession {
  id: string
  token: string
  expires_at: string
  nonce: string | null
}

/** True while a session is open, unexpired, and heard from since `silentSince`. */
export function isLive(
  s: Pick<Session, 'revoked_at' | 'expires_at' | 'last_seen_at'>,
  now: string,
  silentSince: string,
): boolean {
  return s.revoked_at === null && s.expires_at > now && s.last_seen_at > silentSince
}

/**
 * Sessions: bearer tokens bound to a license and a machine. Only a token's SHA-256 is stored, so
 * a copied database opens no session. Every function takes the executor first: the licensing
 * engine passes its `trx`, so a session opens or rotates in the transaction of the decision
 * that allowed it.
 */
export function createSessionsService(_ctx: ServiceContext) {
  return {
    /** Opens a session, closing the machine's previous ones (one live session per machine). */
    async open(ex: Executor, o: OpenSession): Promise<OpenedSession> {
      const now = o.now.toISOString()
      if (o.machineId) await repo.revokeMachineSessions(ex, o.machineId, 'replaced', now)
      const token = randomToken(32)
      const s = {
        id: uuid(),
        license_id: o.licenseId,
        machine_id: o.machineId,
        token_hash: sha256Hex(token),
        nonce: o.withNonce ? randomToken(16) : null,
        protocol: o.protocol,
        hwid: o.hwid,
        ip: o.ip,
        user_agent: o.userAgent,
        created_at: now,
        expires_at: new Date(o.now.getTime() + o.minutes * 60_000).toISOString(),
        last_seen_at: now,
      }
      await repo.insertSession(ex, s)
      return { id: s.id, token, expires_at: s.expires_at, nonce: s.nonce }
    },

    /** The session a bearer token names, whatever its state (callers check `isLive`). */
    findByToken(ex: Executor, token: string): Promise<Session | undefined> {
      return repo.findSessionByTokenHash(ex, sha256Hex(token))
    },

    /**
     * Keeps a session alive: a new token (the old one stops working at once), a new nonce when
     * it has one, and a new expiry `minutes` from now. Null when it was revoked meanwhile.
     */
    async rotate(
      ex: Executor,
      s: Session,
      o: { ip: string | null; minutes: number; now: Date },
    ): Promise<OpenedSession | null> {
      const token = randomToken(32)
      const nonce = s.nonce === null ? null : randomToken(16)
      const expiresAt = new Date(o.now.getTime() + o.minutes * 60_000).toISOString()
      const ok = await repo.rotateSession(ex, {
        id: s.id,
        oldHash: s.token_hash,
        newHash: sha256Hex(token),
        nonce,
        ip: o.ip,
        now: o.now.toISOString(),
        expiresAt,
      })
      return ok ? { id: s.id, token, expires_at: expiresAt, nonce } : null
    },

    /**
     * SellRealm nonce rotation: the presented nonce must be the current one; the session gets
     * a new nonce (returned) and a new expiry `minutes` from now. Null for a stale (replayed)
     * nonce or a revoked session; the token (SellRealm's session_id) stays the same. One
     * conditional UPDATE: call it inside `ctx.tx`.
     */
    async rotateNonce(
      ex: Executor,
      s: Session,
      presented: string,
      o: { ip: string | null; minutes: number; now: Date },
    ): Promise<string | null> {
      const nonce = randomToken(16)
      const ok = await repo.rotateNonce(ex, {
        id: s.id,
        expected: presented,
        nonce,
        ip: o.ip,
        now: o.now.toISOString(),
        expiresAt: new Date(o.now.getTime() + o.minutes * 60_000).toISOString(),
      })
      return ok ? nonce : null
    },

    revoke(ex: Executor, id: string, reason: string, now: Date): Promise<boolean> {
      return repo.revokeSession(ex, id, reason, now.toISOString())
    },

    revokeMachine(ex: Executor, machineId: string, reason: string, now: Date): Promise<number> {
      return repo.revokeMachineSessions(ex, machineId, reason, now.toISOString())
    },

    countLive(
      ex: Executor,
      licenseId: string,
      now: Date,
      silentSince: string,
      exceptMachineId: string | null = null,
    ): Promise<number> {
      return repo.countLiveSessions(ex, licenseId, now.toISOString(), silentSince, exceptMachineId)
    },
  }
}

export type SessionsService = ReturnType<typeof createSessionsService>
