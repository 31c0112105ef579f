import { randomBytes, randomInt } from 'node:crypto'
import { DomainError } from '@shared/errors'
import {
  HIREZ_DEFAULT_LIMITS,
  type CreateHirezDeveloperInput,
  type CreatedHirezDeveloperDto,
  type HirezDeveloperDto,
  type HirezLimits,
  type UpdateHirezDeveloperInput,
} from '@shared/hirez'
import * as repo from '../../db/repositories/hirez'
import type { HirezDeveloperRow } from '../../db/repositories/hirez'
import { isUniqueViolation } from '../../db/errors'
import { sealedAad } from '../../crypto/seal'
import { type Actor, nowIso, ownerOf, seesAll, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ProductsService } from '../products'
import { utcDayOf } from './signature'

/** The counter keys of a credential's daily sessions and requests (shared `counters` table). */
export const dailyKeys = (devId: number, day: string) => ({
  sessions: `hirez:sessions:${devId}:${day}`,
  requests: `hirez:requests:${devId}:${day}`,
})

/** A new auth key: 32 uppercase hex characters (128 bits from the CSPRNG). */
export function newAuthKey(): string {
  return randomBytes(16).toString('hex').toUpperCase()
}

export function limitsOf(r: HirezDeveloperRow): HirezLimits {
  return {
    concurrent_sessions: r.max_concurrent_sessions,
    daily_sessions: r.max_daily_sessions,
    session_minutes: r.session_minutes,
    daily_requests: r.max_daily_requests,
    license_allotment: r.license_allotment,
  }
}

function limitColumns(l: Partial<HirezLimits>) {
  return {
    ...(l.concurrent_sessions !== undefined && { max_concurrent_sessions: l.concurrent_sessions }),
    ...(l.daily_sessions !== undefined && { max_daily_sessions: l.daily_sessions }),
    ...(l.session_minutes !== undefined && { session_minutes: l.session_minutes }),
    ...(l.daily_requests !== undefined && { max_daily_requests: l.daily_requests }),
    ...(l.license_allotment !== undefined && { license_allotment: l.license_allotment }),
  }
}

/**
 * Developer credentials: create (the auth key answered once), list with today's usage, edit
 * name, product scope and limits, re-key, revoke. Owner-scoped like API keys: an account sees
 * and changes its own credentials; admins and the console every one.
 */
export function createHirezCredentials(
  ctx: ServiceContext,
  deps: { events: EventsService; products: ProductsService },
) {
  async function load(actor: Actor, devId: number): Promise<HirezDeveloperRow> {
    const d = await repo.findDeveloper(ctx.db, devId)
    if (!d || (!seesAll(actor) && d.account_id !== ownerOf(actor))) {
      throw new DomainError('NOT_FOUND', 'Developer credential not found')
    }
    return d
  }

  /** Every id must be a product the actor may see (its own account's); duplicates dropped. */
  async function checkProducts(actor: Actor, ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)]
    for (const id of unique) await deps.products.load(actor, id)
    return unique
  }

  async function dtos(rows: HirezDeveloperRow[]): Promise<HirezDeveloperDto[]> {
    const now = ctx.clock()
    const { day } = utcDayOf(now)
    const ids = rows.map((r) => r.dev_id)
    const live = await repo.countLiveSessions(ctx.db, ids, now.toISOString())
    const keys = ids.flatMap((id) => Object.values(dailyKeys(id, day)))
    const counts = await repo.readCounters(ctx.db, keys, now.toISOString())
    return rows.map((r) => {
      const k = dailyKeys(r.dev_id, day)
      return {
        dev_id: r.dev_id,
        name: r.name,
        account_id: r.account_id,
        product_ids: JSON.parse(r.product_ids) as string[],
        limits: limitsOf(r),
        usage: {
          active_sessions: live.get(r.dev_id) ?? 0,
          sessions_today: counts.get(k.sessions) ?? 0,
          requests_today: counts.get(k.requests) ?? 0,
          licenses_created: r.licenses_created,
        },
        created_at: r.created_at,
        updated_at: r.updated_at,
        rekeyed_at: r.rekeyed_at,
        revoked_at: r.revoked_at,
        last_used_at: r.last_used_at,
      }
    })
  }

  const dtoOf = async (devId: number) =>
    (await dtos([(await repo.findDeveloper(ctx.db, devId))!]))[0]

  return {
    load,

    /**
     * Creates a credential with a fresh 4-digit dev_id and auth key. The key is sealed with
     * the master key (the server must read it back to check MD5 signatures) and answered
     * only here.
     */
    async create(
      actor: Actor,
      input: CreateHirezDeveloperInput,
    ): Promise<CreatedHirezDeveloperDto> {
      const productIds = await checkProducts(actor, input.product_ids ?? [])
      const limits = { ...HIREZ_DEFAULT_LIMITS, ...input.limits }
      const authKey = newAuthKey()
      const now = nowIso(ctx)
      for (let attempt = 0; ; attempt++) {
        const devId = randomInt(1000, 10000)
        try {
          await repo.insertDeveloper(ctx.db, {
            dev_id: devId,
            account_id: ownerOf(actor),
            name: input.name,
            auth_key_sealed: ctx.secrets.seal(authKey, sealedAad.hirezAuthKey(devId)),
            product_ids: JSON.stringify(productIds),
            max_concurrent_sessions: limits.concurrent_sessions,
            max_daily_sessions: limits.daily_sessions,
            session_minutes: limits.session_minutes,
            max_daily_requests: limits.daily_requests,
            license_allotment: limits.license_allotment,
            licenses_created: 0,
            created_at: now,
            updated_at: now,
            rekeyed_at: null,
            revoked_at: null,
            last_used_at: null,
          })
        } catch (e) {
          // A dev_id taken already: draw another (9,000 ids; give up when they run out).
          if (isUniqueViolation(e) && attempt < 200) continue
          if (isUniqueViolation(e)) throw new DomainError('CONFLICT', 'No free dev_id is left')
          throw e
        }
        await deps.events.record({
          type: 'hirez.developer_created',
          details: { dev_id: devId, name: input.name, product_ids: productIds, limits },
        })
        return { ...(await dtoOf(devId)), auth_key: authKey }
      }
    },

    async list(actor: Actor): Promise<HirezDeveloperDto[]> {
      return dtos(await repo.listDevelopers(ctx.db, seesAll(actor) ? undefined : ownerOf(actor)))
    },

    async get(actor: Actor, devId: number): Promise<HirezDeveloperDto> {
      return (await dtos([await load(actor, devId)]))[0]
    },

    /** Name, product scope and limits; a shorter session time applies to new sessions. */
    async update(
      actor: Actor,
      devId: number,
      input: UpdateHirezDeveloperInput,
    ): Promise<HirezDeveloperDto> {
      await load(actor, devId)
      const productIds =
        input.product_ids === undefined ? undefined : await checkProducts(actor, input.product_ids)
      await repo.updateDeveloper(ctx.db, devId, {
        ...(input.name !== undefined && { name: input.name }),
        ...(productIds !== undefined && { product_ids: JSON.stringify(productIds) }),
        ...limitColumns(input.limits ?? {}),
        updated_at: nowIso(ctx),
      })
      await deps.events.record({
        type: 'hirez.developer_updated',
        details: { dev_id: devId, ...input },
      })
      return dtoOf(devId)
    },

    /**
     * A new auth key (the old one stops signing at once) and the end of every open session,
     * which the old key made. The new key is answered only here.
     */
    async rekey(actor: Actor, devId: number): Promise<CreatedHirezDeveloperDto> {
      const d = await load(actor, devId)
      if (d.revoked_at) throw new DomainError('CONFLICT', 'Developer credential is revoked')
      const authKey = newAuthKey()
      const now = nowIso(ctx)
      const ended = await ctx.tx(async (trx) => {
        await repo.updateDeveloper(trx, devId, {
          auth_key_sealed: ctx.secrets.seal(authKey, sealedAad.hirezAuthKey(devId)),
          rekeyed_at: now,
          updated_at: now,
        })
        return repo.endSessions(trx, devId, now)
      })
      await deps.events.record({
        type: 'hirez.developer_rekeyed',
        severity: 'low',
        details: { dev_id: devId, sessions_ended: ended },
      })
      return { ...(await dtoOf(devId)), auth_key: authKey }
    },

    /** Revokes a credential for good: its sessions end, its next call is refused. */
    async revoke(actor: Actor, devId: number): Promise<HirezDeveloperDto> {
      const d = await load(actor, devId)
      if (d.revoked_at) return dtoOf(devId)
      const now = nowIso(ctx)
      const ended = await ctx.tx(async (trx) => {
        await repo.updateDeveloper(trx, devId, { revoked_at: now, updated_at: now })
        return repo.endSessions(trx, devId, now)
      })
      await deps.events.record({
        type: 'hirez.developer_revoked',
        severity: 'low',
        details: { dev_id: devId, sessions_ended: ended },
      })
      return dtoOf(devId)
    },
  }
}

export type HirezCredentials = ReturnType<typeof createHirezCredentials>
