import { sealedAad } from '../../crypto/seal'
import { DomainError } from '@shared/errors'
import * as repo from '../../db/repositories/store'
import { randomAlnum, safeEqual, sha256Hex } from '../../crypto/random'
import { type Actor, CONSOLE, nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import { actorOf, type AccountsService } from '../accounts'
import { SHARED_SETTING_TTL_MS } from './config'

/** Whose SellRealm surface a secret opens: an account's products, or the installation's. */
export interface SecretOwner {
  /** Owner of the products it reaches (null = products made in the desktop console). */
  ownerId: string | null
  /** The actor services act as for this caller. */
  actor: Actor
}

export interface SecretsDto {
  auth_secret: string
  store_secret: string
}

/** SellRealm secrets are 48 alphanumerics, as the reference describes them. */
function newPair(): repo.SecretPair {
  const auth = randomAlnum(48)
  const store = randomAlnum(48)
  return {
    auth_secret: auth,
    auth_secret_hash: sha256Hex(auth),
    store_secret: store,
    store_secret_hash: sha256Hex(store),
  }
}

/**
 * The SellRealm secrets: `auth_secret` (License API v0) and `store_secret` (Store API v1).
 * Each account has its own pair (made with the account); products created in the desktop
 * console belong to no account, so the installation has a pair of its own too, kept in
 * settings and reached by the console actor.
 */
export function createSecretsService(
  ctx: ServiceContext,
  deps: { events: EventsService; accounts: AccountsService },
) {
  // Another node may regenerate the pair: re-read it after SHARED_SETTING_TTL_MS, so an old
  // installation secret stops opening this node's SellRealm surface within that time.
  let installationCache: repo.SecretPair | null = null
  let readAt = 0

  // Stored sealed under master.key, bound to their account (or to the installation's setting).
  const aadOf = (accountId: string | null) =>
    accountId === null
      ? { auth: sealedAad.installationAuthSecret, store: sealedAad.installationStoreSecret }
      : { auth: sealedAad.authSecret(accountId), store: sealedAad.storeSecret(accountId) }
  const sealPair = (p: repo.SecretPair, accountId: string | null): repo.SecretPair => ({
    ...p,
    auth_secret: ctx.secrets.seal(p.auth_secret, aadOf(accountId).auth),
    store_secret: ctx.secrets.seal(p.store_secret, aadOf(accountId).store),
  })
  const openPair = (p: repo.SecretPair, accountId: string | null): repo.SecretPair => ({
    ...p,
    auth_secret: ctx.secrets.open(p.auth_secret, aadOf(accountId).auth),
    store_secret: ctx.secrets.open(p.store_secret, aadOf(accountId).store),
  })

  async function installation(): Promise<repo.SecretPair> {
    const t = ctx.clock().getTime()
    if (installationCache && Math.abs(t - readAt) < SHARED_SETTING_TTL_MS) return installationCache
    readAt = t
    let stored = await repo.getInstallationSecrets(ctx.db)
    if (!stored) {
      await repo.initInstallationSecrets(ctx.db, sealPair(newPair(), null), nowIso(ctx))
      stored = (await repo.getInstallationSecrets(ctx.db))!
    }
    installationCache = openPair(stored, null)
    return installationCache
  }

  async function pairOf(actor: Actor): Promise<repo.SecretPair> {
    if (actor.kind !== 'account') return installation()
    const s = await repo.getAccountSecrets(ctx.db, actor.accountId)
    if (!s) throw new DomainError('NOT_FOUND', 'Account not found')
    return openPair(s, actor.accountId)
  }

  return {
    /** The caller's own pair (an account's, or the installation's for the console). */
    async get(actor: Actor): Promise<SecretsDto> {
      const s = await pairOf(actor)
      return { auth_secret: s.auth_secret, store_secret: s.store_secret }
    },

    /** A fresh pair; the old secrets stop working at once (lookups go by the new hashes). */
    async regenerate(actor: Actor): Promise<SecretsDto> {
      const pair = newPair()
      const now = nowIso(ctx)
      if (actor.kind === 'account') {
        if (
          !(await repo.setAccountSecrets(
            ctx.db,
            actor.accountId,
            sealPair(pair, actor.accountId),
            now,
          ))
        ) {
          throw new DomainError('NOT_FOUND', 'Account not found')
        }
      } else {
        await repo.setInstallationSecrets(ctx.db, sealPair(pair, null), now)
        installationCache = pair
        readAt = ctx.clock().getTime()
      }
      await deps.events.record({
        type: 'account.secrets_regenerated',
        severity: 'medium',
        details: { account_id: actor.kind === 'account' ? actor.accountId : null },
      })
      return { auth_secret: pair.auth_secret, store_secret: pair.store_secret }
    },

    /** Who an `auth_secret` belongs to, or null (compared in constant time). */
    async resolveAuth(secret: string): Promise<SecretOwner | null> {
      const a = await deps.accounts.byAuthSecret(secret)
      if (a) return { ownerId: a.id, actor: actorOf(a) }
      return safeEqual((await installation()).auth_secret, secret)
        ? { ownerId: null, actor: CONSOLE }
        : null
    },

    /** Who a `store_secret` belongs to, or null (compared in constant time). */
    async resolveStore(secret: string): Promise<SecretOwner | null> {
      const a = await deps.accounts.byStoreSecret(secret)
      if (a) return { ownerId: a.id, actor: actorOf(a) }
      return safeEqual((await installation()).store_secret, secret)
        ? { ownerId: null, actor: CONSOLE }
        : null
    },
  }
}

export type SecretsService = ReturnType<typeof createSecretsService>
