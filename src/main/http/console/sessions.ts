import type { Actor } from '../../services/context'
import { randomToken } from '../../crypto/random'

export interface ConsoleSession {
  id: string
  csrf: string
  actor: Actor
  expiresAt: number
}

/** Web-console logins, in memory: a restart logs everyone out, which is the safe default. */
export class ConsoleSessions {
  static readonly TTL_MS = 12 * 60 * 60 * 1000
  private readonly byId = new Map<string, ConsoleSession>()

  /** `now`: the services' clock in ms (one time for every surface; tests fix it). */
  constructor(private readonly now: () => number = () => Date.now()) {}

  create(actor: Actor): ConsoleSession {
    const s = {
      id: randomToken(32),
      csrf: randomToken(24),
      actor,
      expiresAt: this.now() + ConsoleSessions.TTL_MS,
    }
    this.byId.set(s.id, s)
    return s
  }

  get(id: string): ConsoleSession | undefined {
    const s = this.byId.get(id)
    if (s && s.expiresAt < this.now()) {
      this.byId.delete(id)
      return undefined
    }
    return s
  }

  delete(id: string): void {
    this.byId.delete(id)
  }

  /** Logs out every session of one account (its password changed). */
  endAccount(accountId: string): void {
    for (const [id, s] of this.byId) {
      if (s.actor.kind === 'account' && s.actor.accountId === accountId) this.byId.delete(id)
    }
  }
}
