import { DomainError } from '@shared/errors'
import type { DomainInput, DomainPatch, EnvironmentName, ProductDomainDto } from '@shared/domains'
import * as repo from '../../db/repositories/product-domains'
import { isUniqueViolation } from '../../db/errors'
import type { ProductDomain } from '../../db/schema'
import { uuid } from '../../crypto/random'
import { type Actor, nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ProductsService } from '../products'
import { admit, normalizeRule } from './rules'

export { admit, hostOf, matchRule, sameEnvironmentClass } from './rules'

export function toDomainDto(r: ProductDomain): ProductDomainDto {
  return {
    id: r.id,
    product_id: r.product_id,
    domain: r.domain,
    environment: r.environment as EnvironmentName,
    is_active: r.is_active === 1,
    is_primary: r.is_primary === 1,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }
}

const taken = (domain: string) =>
  new DomainError('CONFLICT', `The domain ${domain} is already registered for this project`)

/**
 * A product's domain rules (exact or `*.example.com`, each in an environment) and the one
 * decision over them, `admitted`: which identifiers a license of the product may run on.
 * Any protocol that names where software runs asks this service.
 */
export function createDomainsService(
  ctx: ServiceContext,
  deps: { events: EventsService; products: ProductsService },
) {
  async function load(actor: Actor, productId: string, id: string): Promise<ProductDomain> {
    await deps.products.load(actor, productId)
    const d = await repo.findDomain(ctx.db, productId, id)
    if (!d) throw new DomainError('NOT_FOUND', 'Domain not found')
    return d
  }

  return {
    async list(actor: Actor, productId: string): Promise<ProductDomainDto[]> {
      await deps.products.load(actor, productId)
      return (await repo.listDomains(ctx.db, productId)).map(toDomainDto)
    },

    async get(actor: Actor, productId: string, id: string): Promise<ProductDomainDto> {
      return toDomainDto(await load(actor, productId, id))
    },

    async create(actor: Actor, productId: string, input: DomainInput): Promise<ProductDomainDto> {
      await deps.products.load(actor, productId)
      const v = input
      const now = nowIso(ctx)
      const row: ProductDomain = {
        id: uuid(),
        product_id: productId,
        domain: normalizeRule(v.domain),
        environment: v.environment ?? 'production',
        is_active: v.is_active === false ? 0 : 1,
        is_primary: v.is_primary ? 1 : 0,
        created_at: now,
        updated_at: now,
      }
      try {
        await ctx.tx(async (trx) => {
          await repo.insertDomain(trx, row)
          if (row.is_primary) await repo.clearPrimary(trx, productId, row.id)
        })
      } catch (e) {
        if (isUniqueViolation(e)) throw taken(row.domain)
        throw e
      }
      await deps.events.record({
        type: 'product.domain_added',
        productId,
        details: { domain: row.domain, environment: row.environment },
      })
      return toDomainDto(row)
    },

    async update(
      actor: Actor,
      productId: string,
      id: string,
      patch: DomainPatch,
    ): Promise<ProductDomainDto> {
      const d = await load(actor, productId, id)
      const v = patch
      const set = {
        ...(v.domain !== undefined && { domain: normalizeRule(v.domain) }),
        ...(v.environment !== undefined && { environment: v.environment }),
        ...(v.is_active !== undefined && { is_active: v.is_active ? 1 : 0 }),
        ...(v.is_primary !== undefined && { is_primary: v.is_primary ? 1 : 0 }),
        updated_at: nowIso(ctx),
      }
      try {
        await ctx.tx(async (trx) => {
          await repo.updateDomain(trx, id, set)
          if (set.is_primary === 1) await repo.clearPrimary(trx, productId, id)
        })
      } catch (e) {
        if (isUniqueViolation(e)) throw taken(set.domain ?? d.domain)
        throw e
      }
      await deps.events.record({
        type: 'product.domain_updated',
        productId,
        details: { domain: set.domain ?? d.domain, fields: Object.keys(v) },
      })
      return toDomainDto((await repo.findDomain(ctx.db, productId, id))!)
    },

    async remove(actor: Actor, productId: string, id: string): Promise<void> {
      const d = await load(actor, productId, id)
      await ctx.tx((trx) => repo.deleteDomain(trx, productId, id))
      await deps.events.record({
        type: 'product.domain_removed',
        productId,
        severity: 'low',
        details: { domain: d.domain },
      })
    },

    /**
     * Whether a license of `productId` in `licenseEnvironment` may run on `identifier`, and in
     * which environment it then runs (refusals: HWID_MISMATCH with `details.reason`
     * `domain_not_allowed` or `environment_mismatch`; see rules.ts).
     */
    async admitted(productId: string, licenseEnvironment: string, identifier: string) {
      return admit(await repo.listDomains(ctx.db, productId), licenseEnvironment, identifier)
    },
  }
}

export type DomainsService = ReturnType<typeof createDomainsService>
