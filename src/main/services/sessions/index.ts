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
 * a copied database opens no session. Every function is synchronous so that the licensing engine
 * can compose it into one better-sqlite3 transaction with the decision that allowed it.
 */
export function createSessionsService(ctx: ServiceContext) {
  const db = ctx.sqlite
  return {
    /** Opens a session, closing the machine's previous ones (one live session per machine). */
    open(o: OpenSession): OpenedSession {
      const now = o.now.toISOString()
      if (o.machineId) repo.revokeMachineSessions(db, o.machineId, 'replaced', now)
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
      repo.insertSession(db, s)
      return { id: s.id, token, expires_at: s.expires_at, nonce: s.nonce }
    },

    /** The session a bearer token names, whatever its state (callers check `isLive`). */
    findByToken(token: string): Session | undefined {
      return repo.findSessionByTokenHash(db, sha256Hex(token))
    },

    /**
     * Keeps a session alive: a new token (the old one stops working at once), a new nonce when
     * it has one, and a new expiry `minutes` from now. Null when it was revoked meanwhile.
     */
    rotate(s: Session, o: { ip: string | null; minutes: number; now: Date }): OpenedSession | null {
      const token = randomToken(32)
      const nonce = s.nonce === null ? null : randomToken(16)
      const expiresAt = new Date(o.now.getTime() + o.minutes * 60_000).toISOString()
      const ok = repo.rotateSession(db, {
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
     * nonce or a revoked session; the token (SellRealm's session_id) stays the same.
     */
    rotateNonce(
      s: Session,
      presented: string,
      o: { ip: string | null; minutes: number; now: Date },
    ): string | null {
      const nonce = randomToken(16)
      const ok = repo.rotateNonce(db, {
        id: s.id,
        expected: presented,
        nonce,
        ip: o.ip,
        now: o.now.toISOString(),
        expiresAt: new Date(o.now.getTime() + o.minutes * 60_000).toISOString(),
      })
      return ok ? nonce : null
    },

    revoke(id: string, reason: string, now: Date): boolean {
      return repo.revokeSession(db, id, reason, now.toISOString())
    },

    revokeMachine(machineId: string, reason: string, now: Date): number {
      return repo.revokeMachineSessions(db, machineId, reason, now.toISOString())
    },

    countLive(
      licenseId: string,
      now: Date,
      silentSince: string,
      exceptMachineId: string | null = null,
    ): number {
      return repo.countLiveSessions(db, licenseId, now.toISOString(), silentSince, exceptMachineId)
    },
  }
}

export type SessionsService = ReturnType<typeof createSessionsService>
