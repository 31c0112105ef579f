import type { Actor, ServiceContext } from '../../services/context'
import { randomToken, sha256Hex } from '../../crypto/random'
import * as repo from '../../db/repositories/console-sessions'

export interface ConsoleSession {
  /** The cookie's token (only its SHA-256 is stored). */
  id: string
  csrf: string
  actor: Actor
  expiresAt: number
}

/**
 * Web-console logins, in the database: every node behind a load balancer sees the same
 * sessions, so a logout, a password change or a revocation on one node refuses the cookie on
 * every node at its next request (each request reads its session by primary key; nothing is
 * cached). The table keeps the token's SHA-256, never the token, so a copy of the database
 * logs no one in. A restart no longer logs everyone out; sessions still end after TTL_MS.
 */
export class ConsoleSessions {
  static readonly TTL_MS = 12 * 60 * 60 * 1000
  /** `last_seen_at` is written at most this often per session: no write per request. */
  static readonly TOUCH_MS = 60_000
  private lastPurge = 0

  constructor(private readonly ctx: Pick<ServiceContext, 'db' | 'clock'>) {}

  private now(): number {
    return this.ctx.clock().getTime()
  }

  async create(actor: Actor): Promise<ConsoleSession> {
    const now = this.now()
    const s = {
      id: randomToken(32),
      csrf: randomToken(24),
      actor,
      expiresAt: now + ConsoleSessions.TTL_MS,
    }
    const iso = new Date(now).toISOString()
    await repo.insertConsoleSession(this.ctx.db, {
      token_hash: sha256Hex(s.id),
      csrf: s.csrf,
      actor: JSON.stringify(actor),
      account_id: actor.kind === 'account' ? actor.accountId : null,
      created_at: iso,
      expires_at: new Date(s.expiresAt).toISOString(),
      last_seen_at: iso,
    })
    // Logins are rare: purging ended sessions here keeps the table small without a timer.
    if (now - this.lastPurge >= ConsoleSessions.TOUCH_MS) {
      this.lastPurge = now
      await repo.purgeExpiredConsoleSessions(this.ctx.db, iso)
    }
    return s
  }

  /** The live session for this cookie token, or undefined (unknown, ended or expired). */
  async get(id: string): Promise<ConsoleSession | undefined> {
    const now = this.now()
    const iso = new Date(now).toISOString()
    const hash = sha256Hex(id)
    const row = await repo.findConsoleSession(this.ctx.db, hash, iso)
    if (!row) return undefined
    if (now - Date.parse(row.last_seen_at) >= ConsoleSessions.TOUCH_MS) {
      await repo.touchConsoleSession(this.ctx.db, hash, iso)
    }
    return {
      id,
      csrf: row.csrf,
      actor: JSON.parse(row.actor) as Actor,
      expiresAt: Date.parse(row.expires_at),
    }
  }

  /** Makes the session act as `actor` from its next request on (on every node). */
  async setActor(id: string, actor: Actor): Promise<void> {
    await repo.setConsoleSessionActor(
      this.ctx.db,
      sha256Hex(id),
      JSON.stringify(actor),
      actor.kind === 'account' ? actor.accountId : null,
    )
  }

  async delete(id: string): Promise<void> {
    await repo.deleteConsoleSession(this.ctx.db, sha256Hex(id))
  }

  /** Logs out every session of one account (its password changed), on every node. */
  async endAccount(accountId: string): Promise<void> {
    await repo.deleteAccountConsoleSessions(this.ctx.db, accountId)
  }
}
