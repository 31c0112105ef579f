import { sealedAad } from '../../crypto/seal'
import { DomainError } from '@shared/errors'
import {
  type AccountDto,
  type ChangePasswordInput,
  type CreateAccountInput,
  type LoginInput,
  type RegisterInput,
  type UpdateAccountInput,
} from '@shared/accounts'
import type { Account, Role } from '../../db/schema'
import * as repo from '../../db/repositories/accounts'
import { hashPassword, needsRehash, unmatchableHash, verifyPassword } from '../../crypto/passwords'
import { randomAlnum, safeEqual, sha256Hex, uuid } from '../../crypto/random'
import { signAccessToken, TokenError, verifyAccessToken } from '../../crypto/jwt'
import { type Actor, nowIso, seesAll, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { SettingsService } from '../settings'
import {
  actorOf,
  isUniqueViolation,
  toAccountDto,
  JWT_SECRET,
  REFRESH_GRACE_SECONDS,
  REFRESH_MAX_AGE_SECONDS,
  type AuthResult,
  type RegistrationOrigin,
} from './model'
import { applyAccountUpdate } from './admin'

export * from './model'

/** Bus signal (payload: account id): every login of the account ends (password changed). */
export const ACCOUNT_SESSIONS_ENDED = 'account.sessions_ended'

/**
 * Vendor accounts: registration (first account = admin, from the console or with the setup token only;
 * afterwards only while an admin keeps registration open), password login, JWT issue and
 * verification, and account administration.
 */
export function createAccountsService(
  ctx: ServiceContext,
  deps: { events: EventsService; settings: SettingsService },
) {
  // Verified when the email is unknown: a wrong email costs as long as a wrong password.
  const dummyHash = unmatchableHash()

  async function issue(a: Account, authTime: number): Promise<string> {
    const { access_token_ttl_minutes: ttl } = await deps.settings.get()
    return signAccessToken(
      await deps.settings.secret(JWT_SECRET),
      { sub: a.id, ver: a.token_version, auth_time: authTime },
      { now: ctx.clock(), ttlSeconds: ttl * 60 },
    )
  }

  function requireAdmin(actor: Actor): void {
    if (!seesAll(actor)) throw new DomainError('FORBIDDEN', 'Admin access required')
  }

  /** Inserts a new account with fresh SellRealm secrets. `role` null = decide by first-ness. */
  async function insert(
    input: RegisterInput,
    role: Role | null,
    mayBeFirst: true | 'missing' | 'wrong' | false,
  ): Promise<Account> {
    const passwordHash = await hashPassword(input.password)
    const now = nowIso(ctx)
    const settings = await deps.settings.get()
    const authSecret = randomAlnum(48)
    const storeSecret = randomAlnum(48)
    try {
      // Count and insert in one transaction: two concurrent "first" registrations cannot
      // both become admin.
      return await ctx.db.transaction().execute(async (trx) => {
        const first = (await repo.countAccountsForRegistration(trx)) === 0
        if (first && mayBeFirst !== true) {
          throw new DomainError(
            'FORBIDDEN',
            mayBeFirst === 'wrong'
              ? 'Wrong setup token: the first account needs the token `npm run serve` printed, in the X-Setup-Token header'
              : 'The first account needs the setup token: send the token `npm run serve` printed in the X-Setup-Token header, or create it in the desktop console',
          )
        }
        if (!first && role === null && !settings.registration_open) {
          throw new DomainError('FORBIDDEN', 'Registration is closed; ask an admin for an account')
        }
        const id = uuid()
        return repo.insertAccount(trx, {
          id,
          email: input.email,
          display_name: input.display_name ?? input.email.split('@')[0],
          password_hash: passwordHash,
          role: first ? 'admin' : (role ?? 'user'),
          is_active: 1,
          auth_secret: ctx.secrets.seal(authSecret, sealedAad.authSecret(id)),
          auth_secret_hash: sha256Hex(authSecret),
          store_secret: ctx.secrets.seal(storeSecret, sealedAad.storeSecret(id)),
          store_secret_hash: sha256Hex(storeSecret),
          created_at: now,
          updated_at: now,
          last_login_at: null,
        })
      })
    } catch (e) {
      if (isUniqueViolation(e))
        throw new DomainError('CONFLICT', 'An account with this email already exists')
      throw e
    }
  }

  async function loadActive(id: string): Promise<Account> {
    const a = await repo.findAccountById(ctx.db, id)
    if (!a) throw new DomainError('UNAUTHORIZED', 'Invalid token')
    if (a.is_active !== 1) throw new DomainError('UNAUTHORIZED', 'Account is deactivated')
    return a
  }

  async function loginFailed(email: string, ip: string | null, via: 'api' | 'console') {
    await deps.events.record({
      type: 'auth.login_failed',
      severity: 'low',
      ip,
      details: { email_hash: sha256Hex(email.trim().toLowerCase()).slice(0, 16), via },
    })
  }

  async function checkCredentials(input: LoginInput): Promise<Account | null> {
    const a = await repo.findAccountByEmail(ctx.db, input.email.trim().toLowerCase())
    const ok = await verifyPassword(input.password, a?.password_hash ?? dummyHash)
    if (!a || !ok) return null
    // Transparent upgrade: a hash made with older scrypt parameters is replaced on login.
    if (needsRehash(a.password_hash)) {
      const password_hash = await hashPassword(input.password)
      return (await repo.updateAccount(ctx.db, a.id, { password_hash })) ?? a
    }
    return a
  }

  return {
    /** Self-registration over the API (or the console's first-run form). */
    async register(input: RegisterInput, origin: RegistrationOrigin): Promise<AuthResult> {
      const mayBeFirst =
        origin.via === 'console' ? true : origin.setupToken === 'valid' ? true : origin.setupToken
      const a = await insert(input, null, mayBeFirst)
      await deps.events.record({
        type: 'account.registered',
        ip: origin.via === 'api' ? origin.ip : null,
        details: { account_id: a.id, role: a.role, via: origin.via },
      })
      return {
        token: await issue(a, Math.floor(ctx.clock().getTime() / 1000)),
        user: toAccountDto(a),
      }
    },

    /** Email + password. The same answer, and about the same time, for an unknown email. */
    async login(input: LoginInput, meta: { ip?: string | null } = {}): Promise<AuthResult> {
      const a = await checkCredentials(input)
      if (!a) {
        await loginFailed(input.email, meta.ip ?? null, 'api')
        throw new DomainError('UNAUTHORIZED', 'Invalid email or password')
      }
      if (a.is_active !== 1) throw new DomainError('FORBIDDEN', 'Account is deactivated')
      const now = nowIso(ctx)
      const updated = (await repo.updateAccount(ctx.db, a.id, { last_login_at: now })) ?? a
      return {
        token: await issue(updated, Math.floor(ctx.clock().getTime() / 1000)),
        user: toAccountDto(updated),
      }
    },

    /**
     * The console's email/password login: the account's actor, or null. A failure is a
     * security event like a failed API login.
     */
    async consoleLogin(
      input: LoginInput,
      meta: { ip?: string | null } = {},
    ): Promise<Actor | null> {
      const a = await checkCredentials(input)
      if (!a) await loginFailed(input.email, meta.ip ?? null, 'console')
      return a && a.is_active === 1 ? actorOf(a) : null
    },

    /** A wrong console setup token: recorded like a failed login. */
    async setupTokenFailed(meta: { ip?: string | null }): Promise<void> {
      await deps.events.record({
        type: 'auth.login_failed',
        severity: 'low',
        ip: meta.ip ?? null,
        details: { via: 'console', method: 'setup_token' },
      })
    },

    /**
     * The account behind a Bearer token: signature, expiry, an active account and a current
     * token_version (deactivation and password changes revoke every older token).
     */
    async authenticate(token: string): Promise<Account> {
      let claims
      try {
        claims = await verifyAccessToken(await deps.settings.secret(JWT_SECRET), token, {
          now: ctx.clock(),
        })
      } catch (e) {
        if (e instanceof TokenError) throw new DomainError('UNAUTHORIZED', e.message)
        throw e
      }
      const a = await loadActive(claims.sub)
      if (a.token_version !== claims.ver) throw new DomainError('UNAUTHORIZED', 'Token revoked')
      return a
    },

    /**
     * A fresh token for a valid one, or one that expired at most REFRESH_GRACE_SECONDS ago,
     * while the login it descends from is at most REFRESH_MAX_AGE_SECONDS old.
     */
    async refresh(token: string): Promise<{ token: string }> {
      let claims
      try {
        claims = await verifyAccessToken(await deps.settings.secret(JWT_SECRET), token, {
          now: ctx.clock(),
          graceSeconds: REFRESH_GRACE_SECONDS,
        })
      } catch (e) {
        if (e instanceof TokenError) throw new DomainError('UNAUTHORIZED', e.message)
        throw e
      }
      if (ctx.clock().getTime() / 1000 - claims.auth_time > REFRESH_MAX_AGE_SECONDS) {
        throw new DomainError('UNAUTHORIZED', 'Session too old; log in again')
      }
      const a = await loadActive(claims.sub)
      if (a.token_version !== claims.ver) throw new DomainError('UNAUTHORIZED', 'Token revoked')
      return { token: await issue(a, claims.auth_time) }
    },

    async me(actor: Actor): Promise<AccountDto> {
      if (actor.kind !== 'account')
        throw new DomainError('NOT_FOUND', 'No account behind this session')
      const a = await repo.findAccountById(ctx.db, actor.accountId)
      if (!a) throw new DomainError('NOT_FOUND', 'Account not found')
      return toAccountDto(a)
    },

    /**
     * A new password, given the current one. Every token issued before stops working
     * (token_version); the answer carries a fresh token for the caller.
     */
    async changePassword(actor: Actor, input: ChangePasswordInput): Promise<{ token: string }> {
      if (actor.kind !== 'account')
        throw new DomainError('FORBIDDEN', 'Only an account has a password')
      const a = await loadActive(actor.accountId)
      if (!(await verifyPassword(input.current_password, a.password_hash))) {
        throw new DomainError('UNAUTHORIZED', 'Current password is wrong')
      }
      const updated = await repo.updateAccount(ctx.db, a.id, {
        password_hash: await hashPassword(input.new_password),
        token_version: a.token_version + 1,
        updated_at: nowIso(ctx),
      })
      await deps.events.record({ type: 'account.password_changed', details: { account_id: a.id } })
      // Every login ends: JWTs by token_version, web-console sessions by this signal.
      ctx.bus.emit(ACCOUNT_SESSIONS_ENDED, a.id)
      return { token: await issue(updated!, Math.floor(ctx.clock().getTime() / 1000)) }
    },

    /**
     * An account actor as it is now (current role), or null when the account is gone or
     * deactivated; other actors unchanged. Console sessions re-read their actor with this.
     */
    async currentActor(actor: Actor): Promise<Actor | null> {
      if (actor.kind !== 'account') return actor
      const a = await repo.findAccountById(ctx.db, actor.accountId)
      return a && a.is_active === 1 ? actorOf(a) : null
    },

    /** True while no account exists (the console shows its first-run form). */
    async isEmpty(): Promise<boolean> {
      return (await repo.countAccounts(ctx.db)) === 0
    },

    async list(actor: Actor): Promise<AccountDto[]> {
      requireAdmin(actor)
      return (await repo.listAccounts(ctx.db)).map(toAccountDto)
    },

    /** An admin (or the console) creates an account directly, whether registration is open or not. */
    async create(actor: Actor, input: CreateAccountInput): Promise<AccountDto> {
      requireAdmin(actor)
      // The console is the installation itself: it may create the very first account.
      const a = await insert(input, input.role, actor.kind === 'console')
      await deps.events.record({
        type: 'account.created',
        details: { account_id: a.id, role: a.role },
      })
      return toAccountDto(a)
    },

    /** Role (user/admin), active flag, display name. Deactivation revokes every token. */
    async update(actor: Actor, id: string, input: UpdateAccountInput): Promise<AccountDto> {
      requireAdmin(actor)
      return applyAccountUpdate(ctx, actor, id, input)
    },

    /** The account owning a SellRealm License API `auth_secret` (constant-time confirmed). */
    async byAuthSecret(secret: string): Promise<Account | null> {
      const a = await repo.findAccountByAuthSecretHash(ctx.db, sha256Hex(secret))
      return a &&
        a.is_active === 1 &&
        safeEqual(ctx.secrets.open(a.auth_secret, sealedAad.authSecret(a.id)), secret)
        ? a
        : null
    },

    /** The account owning a SellRealm Store API `store_secret` (constant-time confirmed). */
    async byStoreSecret(secret: string): Promise<Account | null> {
      const a = await repo.findAccountByStoreSecretHash(ctx.db, sha256Hex(secret))
      return a &&
        a.is_active === 1 &&
        safeEqual(ctx.secrets.open(a.store_secret, sealedAad.storeSecret(a.id)), secret)
        ? a
        : null
    },
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>
