import { DomainError } from '@shared/errors'
import type { InjectableDto, InjectableFields, InjectablePatchFields } from '@shared/domains'
import * as repo from '../../db/repositories/injectables'
import { isUniqueViolation } from '../../db/errors'
import type { ProductInjectable } from '../../db/schema'
import { decryptInjectable, encryptInjectable } from '../../crypto/injectable'
import { uuid } from '../../crypto/random'
import { type Actor, nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ProductsService } from '../products'

/** The sealed secret is bound to its row: a secret copied onto another row does not open. */
export const injectableSecretAad = (id: string) => `product_injectables.secret:${id}`

/** Content may arrive as text (JSON) or bytes (a multipart file). */
export type InjectableContent = string | Uint8Array
/** Validated at the edge (console channel, adapter) with the shared schemas. */
type Create = InjectableFields & { content: InjectableContent }
type Patch = InjectablePatchFields & { content?: InjectableContent }

export function toInjectableDto(r: ProductInjectable): InjectableDto {
  return {
    id: r.id,
    product_id: r.product_id,
    title: r.title,
    slug: r.slug,
    type: r.type,
    mode: r.mode,
    target_path: r.target_path,
    content: r.content,
    signature: r.signature,
    content_hash: r.content_hash,
    only_if_paid: r.only_if_paid === 1,
    is_active: r.is_active === 1,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }
}

/** "Licence Banner!" -> "licence-banner". */
export function slugify(title: string): string {
  const s = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
  return s || 'injectable'
}

const MAX_BYTES = 1024 * 1024
const bytesOf = (c: InjectableContent) =>
  typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c)

function checkSize(b: Buffer): Buffer {
  if (b.length > MAX_BYTES) throw new DomainError('VALIDATION_ERROR', 'content: at most 1 MiB')
  return b
}

const slugTaken = (slug: string) =>
  new DomainError('CONFLICT', `An injectable with the slug "${slug}" already exists`)

/**
 * A product's injectables: content delivered to running software, stored only in its
 * encrypted wire form (crypto/injectable.ts) with the secret sealed under master.key. The
 * plaintext is never stored nor listed; `deliverable` is what a licensed runtime receives.
 */
export function createInjectablesService(
  ctx: ServiceContext,
  deps: { events: EventsService; products: ProductsService },
) {
  async function load(actor: Actor, productId: string, id: string): Promise<ProductInjectable> {
    await deps.products.load(actor, productId)
    const r = await repo.findInjectable(ctx.db, productId, id)
    if (!r) throw new DomainError('NOT_FOUND', 'Injectable not found')
    return r
  }

  return {
    async list(actor: Actor, productId: string): Promise<InjectableDto[]> {
      await deps.products.load(actor, productId)
      return (await repo.listInjectables(ctx.db, productId)).map(toInjectableDto)
    },

    async get(actor: Actor, productId: string, id: string): Promise<InjectableDto> {
      return toInjectableDto(await load(actor, productId, id))
    },

    async create(actor: Actor, productId: string, input: Create): Promise<InjectableDto> {
      await deps.products.load(actor, productId)
      const v = input
      const plain = checkSize(bytesOf(input.content))
      const id = uuid()
      const now = nowIso(ctx)
      const wire = encryptInjectable(v.secret, plain)
      const row: ProductInjectable = {
        id,
        product_id: productId,
        title: v.title,
        slug: v.slug ?? slugify(v.title),
        type: v.type,
        mode: v.mode,
        target_path: v.target_path ?? null,
        ...wire,
        secret_sealed: ctx.secrets.seal(v.secret, injectableSecretAad(id)),
        only_if_paid: v.only_if_paid ? 1 : 0,
        is_active: v.is_active === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      }
      try {
        await ctx.tx((trx) => repo.insertInjectable(trx, row))
      } catch (e) {
        if (isUniqueViolation(e)) throw slugTaken(row.slug)
        throw e
      }
      await deps.events.record({
        type: 'product.injectable_added',
        productId,
        details: { slug: row.slug, bytes: plain.length },
      })
      return toInjectableDto(row)
    },

    /**
     * An edit. New content or a new secret re-encrypts: the content with the stored secret, a
     * new secret over the stored content (decrypted with the old one).
     */
    async update(
      actor: Actor,
      productId: string,
      id: string,
      patch: Patch,
    ): Promise<InjectableDto> {
      const r = await load(actor, productId, id)
      const v = patch
      const set: Partial<ProductInjectable> = {
        ...(v.title !== undefined && { title: v.title }),
        ...(v.slug !== undefined && { slug: v.slug }),
        ...(v.type !== undefined && { type: v.type }),
        ...(v.mode !== undefined && { mode: v.mode }),
        ...(v.target_path !== undefined && { target_path: v.target_path }),
        ...(v.only_if_paid !== undefined && { only_if_paid: v.only_if_paid ? 1 : 0 }),
        ...(v.is_active !== undefined && { is_active: v.is_active ? 1 : 0 }),
        updated_at: nowIso(ctx),
      }
      if (patch.content !== undefined || v.secret !== undefined) {
        const oldSecret = ctx.secrets.open(r.secret_sealed, injectableSecretAad(id))
        const secret = v.secret ?? oldSecret
        const plain =
          patch.content !== undefined
            ? checkSize(bytesOf(patch.content))
            : decryptInjectable(oldSecret, r.content)
        Object.assign(set, encryptInjectable(secret, plain))
        if (v.secret !== undefined)
          set.secret_sealed = ctx.secrets.seal(secret, injectableSecretAad(id))
      }
      try {
        await ctx.tx((trx) => repo.updateInjectable(trx, id, set))
      } catch (e) {
        if (isUniqueViolation(e)) throw slugTaken(set.slug ?? r.slug)
        throw e
      }
      await deps.events.record({
        type: 'product.injectable_updated',
        productId,
        details: {
          slug: set.slug ?? r.slug,
          fields: Object.keys(patch).filter((k) => k !== 'secret'),
        },
      })
      return toInjectableDto((await repo.findInjectable(ctx.db, productId, id))!)
    },

    async remove(actor: Actor, productId: string, id: string): Promise<void> {
      const r = await load(actor, productId, id)
      await ctx.tx((trx) => repo.deleteInjectable(trx, r.id))
      await deps.events.record({
        type: 'product.injectable_removed',
        productId,
        severity: 'low',
        details: { slug: r.slug },
      })
    },

    /**
     * What a licensed runtime of the product receives: the active injectables, those marked
     * `only_if_paid` only while the product is paid.
     */
    async deliverable(productId: string, paid: boolean): Promise<InjectableDto[]> {
      const rows = await repo.listInjectables(ctx.db, productId, {
        activeOnly: true,
        includePaidOnly: paid,
      })
      return rows.map(toInjectableDto)
    },
  }
}

export type InjectablesService = ReturnType<typeof createInjectablesService>
