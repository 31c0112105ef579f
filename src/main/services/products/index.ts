import { isForeignKeyViolation } from '../../db/errors'
import { sealedAad } from '../../crypto/seal'
import { z } from 'zod'
import { DomainError } from '@shared/errors'
import type { LicenseDefaults, ProductDto, ProductPolicy } from '@shared/dto'
import { DEFAULT_SEAT_POLICY } from '@shared/policy'
import type { CreateProductInput, UpdateProductInput } from '@shared/schemas'
import type { Product } from '../../db/schema'
import * as repo from '../../db/repositories/products'
import { randomAlnum, sha256Hex, uuid } from '../../crypto/random'
import { type Actor, nowIso, ownerOf, seesAll, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { SettingsService } from '../settings'

export const DEFAULT_LICENSE_DEFAULTS: LicenseDefaults = {
  type: 'subscription',
  max_uses: 1,
  hwid_locked: true,
  duration_days: 365,
  level: 1,
}

export const DEFAULT_POLICY: ProductPolicy = {
  // Node-locked, dead machines kept, no overage, no grace: the behaviour before policies.
  ...DEFAULT_SEAT_POLICY,
  session_minutes: 24 * 60,
  validate_per_minute: 10,
  vm_policy: 'flag',
  debug_policy: 'flag',
}

/** `sk_live_` + 48 random alphanumerics (~285 bits). */
export function newSecretKey(): string {
  return 'sk_live_' + randomAlnum(48)
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return { ...fallback, ...(JSON.parse(text) as Partial<T>) }
  } catch {
    return fallback
  }
}

export function toProductDto(p: Product & { license_count?: number }): ProductDto {
  return {
    id: p.id,
    num: p.num,
    owner_id: p.owner_id,
    name: p.name,
    description: p.description,
    secret_key: p.secret_key,
    is_active: p.is_active === 1,
    price_cents: p.price_cents,
    currency: p.currency,
    stock: p.stock,
    license_defaults: parseJson(p.license_defaults, DEFAULT_LICENSE_DEFAULTS),
    policy: parseJson(p.policy, DEFAULT_POLICY),
    has_paid: Number(p.has_paid) === 1,
    license_count: p.license_count,
    created_at: p.created_at,
    updated_at: p.updated_at,
  }
}

export const productIdSchema = z.string().min(1)

export function createProductsService(
  ctx: ServiceContext,
  deps: { events: EventsService; settings: SettingsService },
) {
  /** The product if it exists and the actor may see it; otherwise PRODUCT_NOT_FOUND. */
  async function load(actor: Actor, id: string): Promise<Product> {
    const p = await repo.findProduct(ctx.db, id)
    if (!p || (!seesAll(actor) && p.owner_id !== ownerOf(actor))) {
      throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
    }
    return p
  }

  /** The DTO with the secret key opened (it is stored sealed under master.key). */
  const dto = (p: Product & { license_count?: number }): ProductDto => ({
    ...toProductDto(p),
    secret_key: ctx.secrets.open(p.secret_key, sealedAad.productSecret(p.id)),
  })

  return {
    load,

    async list(actor: Actor, q?: string): Promise<ProductDto[]> {
      const owner = seesAll(actor) ? undefined : (ownerOf(actor) ?? undefined)
      return (await repo.listProducts(ctx.db, { ownerId: owner, q })).map(dto)
    },

    async get(actor: Actor, id: string): Promise<ProductDto> {
      return dto(await load(actor, id))
    },

    async create(actor: Actor, input: CreateProductInput): Promise<ProductDto> {
      const now = nowIso(ctx)
      const secret = newSecretKey()
      const id = uuid()
      const row = await repo.insertProduct(ctx.db, {
        id,
        owner_id: ownerOf(actor),
        name: input.name,
        description: input.description ?? '',
        secret_key: ctx.secrets.seal(secret, sealedAad.productSecret(id)),
        secret_key_hash: sha256Hex(secret),
        is_active: input.is_active === false ? 0 : 1,
        price_cents: input.price_cents ?? 0,
        currency: input.currency ?? 'USD',
        stock: input.stock ?? null,
        license_defaults: JSON.stringify({
          ...DEFAULT_LICENSE_DEFAULTS,
          ...input.license_defaults,
        }),
        // New products start from the installation's validation limit (Settings → Client API).
        policy: JSON.stringify({
          ...DEFAULT_POLICY,
          validate_per_minute: (await deps.settings.get()).client_validate_per_minute,
          ...input.policy,
        }),
        created_at: now,
        updated_at: now,
      })
      await deps.events.record({
        type: 'product.created',
        productId: row.id,
        details: { name: row.name },
      })
      return dto(row)
    },

    async update(actor: Actor, id: string, input: UpdateProductInput): Promise<ProductDto> {
      const p = await load(actor, id)
      const patch = {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.is_active !== undefined && { is_active: input.is_active ? 1 : 0 }),
        ...(input.price_cents !== undefined && { price_cents: input.price_cents }),
        ...(input.currency !== undefined && { currency: input.currency }),
        ...(input.stock !== undefined && { stock: input.stock }),
        ...(input.license_defaults && {
          license_defaults: JSON.stringify({
            ...parseJson(p.license_defaults, DEFAULT_LICENSE_DEFAULTS),
            ...input.license_defaults,
          }),
        }),
        ...(input.policy && {
          policy: JSON.stringify({ ...parseJson(p.policy, DEFAULT_POLICY), ...input.policy }),
        }),
        updated_at: nowIso(ctx),
      }
      const row = await repo.updateProduct(ctx.db, id, patch)
      if (!row) throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
      await deps.events.record({
        type: 'product.updated',
        productId: id,
        details: { fields: Object.keys(input) },
      })
      return dto(row)
    },

    /** A new secret key; the old one stops working at once (lookups go by the new hash). */
    async regenerateKey(actor: Actor, id: string): Promise<{ secret_key: string }> {
      await load(actor, id)
      const secret = newSecretKey()
      await repo.updateProduct(ctx.db, id, {
        secret_key: ctx.secrets.seal(secret, sealedAad.productSecret(id)),
        secret_key_hash: sha256Hex(secret),
        updated_at: nowIso(ctx),
      })
      await deps.events.record({ type: 'product.key_regenerated', productId: id, severity: 'low' })
      return { secret_key: secret }
    },

    /** Deletes the product and, by cascade, its licenses, machines and sessions. */
    async remove(actor: Actor, id: string): Promise<void> {
      const p = await load(actor, id)
      try {
        await repo.deleteProduct(ctx.db, id)
      } catch (e) {
        // Store orders keep their product (sales history): such a product can only be deactivated.
        if (isForeignKeyViolation(e)) {
          throw new DomainError(
            'CONFLICT',
            `“${p.name}” has store orders, so it cannot be deleted; deactivate it instead`,
          )
        }
        throw e
      }
      await deps.events.record({
        type: 'product.deleted',
        productId: id,
        severity: 'low',
        details: { name: p.name },
      })
    },
  }
}

export type ProductsService = ReturnType<typeof createProductsService>
