import { DomainError } from '@shared/errors'
import type { LicenseDto, LicenseStatus, Page } from '@shared/dto'
import {
  type BulkCreateLicensesInput,
  type CreateLicenseInput,
  type LicenseFilter,
  type ListLicensesQuery,
  type UpdateLicenseInput,
} from '@shared/schemas'
import type { NewLicense } from '../../db/schema'
import * as repo from '../../db/repositories/licenses'
import { findOrCreateCustomer } from '../../db/repositories/customers'
import { generateLicenseKey, uuid, uuidv7 } from '../../crypto/random'
import { type Actor, nowIso, ownerOf, seesAll, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import { toProductDto, type ProductsService } from '../products'
import type { LicenseEdit, LicenseLifecycle, Origin, Transition } from './lifecycle'
import { effectivePolicy, parseOverride, seatsOf } from '../licensing/policy'
import { pickSeatPolicy, seatAllowance, type SeatUsage } from '@shared/policy'

/** A stored status read at `now`: an active license past `expires_at` reads as expired. */
export function effectiveStatus(
  l: { status: LicenseStatus; expires_at: string | null },
  now: string,
): LicenseStatus {
  if (l.status === 'active' && l.expires_at !== null && l.expires_at <= now) return 'expired'
  return l.status
}

/** Seats held now against the limit, for a floating license (null when node-locked). */
function seatUsage(
  policy: ReturnType<typeof effectivePolicy>,
  maxUses: number,
  inUse: number,
): SeatUsage | null {
  if (policy.mode !== 'floating') return null
  const seats = seatsOf(policy, maxUses)
  return { mode: 'floating', in_use: inUse, seats, allowance: seatAllowance(seats, policy.overage) }
}

/** What a protocol may set on a new license besides the management API's fields. */
export interface LicenseProfile {
  title?: string | null
  /** `production` (the default), `staging`, `test` or `development`. */
  environment?: string
}

/** The owner a listing is scoped to: none for who sees all; an unowned actor sees nothing. */
function ownerScope(actor: Actor): string | undefined {
  return seesAll(actor) ? undefined : (ownerOf(actor) ?? '\u0000none')
}

export function toLicenseDto(r: repo.LicenseRow, now: string): LicenseDto {
  const policy = effectivePolicy(r.product_policy ?? '{}', r.policy)
  return {
    id: r.id,
    num: r.num,
    license_key: r.key,
    product_id: r.product_id,
    product_name: r.product_name ?? undefined,
    type: r.type,
    status: effectiveStatus(r, now),
    status_reason: r.status_reason,
    level: r.level,
    hwid: r.first_hwid,
    hwid_locked: r.hwid_locked === 1,
    max_uses: r.max_uses,
    current_uses: r.current_uses,
    max_sessions: r.max_sessions,
    expires_at: r.expires_at,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    notes: r.notes,
    policy_override: parseOverride(r.policy),
    policy: pickSeatPolicy(policy),
    seats: seatUsage(policy, r.max_uses, r.seats_in_use),
    customer_id: r.customer_id,
    customer_email: r.customer_email,
    title: r.title ?? null,
    environment: r.environment ?? 'production',
    created_at: r.created_at,
    updated_at: r.updated_at,
  }
}

export function createLicensesService(
  ctx: ServiceContext,
  deps: { events: EventsService; products: ProductsService; lifecycle: LicenseLifecycle },
) {
  /** The license if it exists and the actor may see it; otherwise LICENSE_NOT_FOUND. */
  async function load(actor: Actor, id: string): Promise<repo.LicenseRow> {
    const l = await repo.findLicense(ctx.db, id)
    if (!l) throw new DomainError('LICENSE_NOT_FOUND', 'License not found')
    if (!seesAll(actor)) {
      try {
        await deps.products.load(actor, l.product_id)
      } catch {
        throw new DomainError('LICENSE_NOT_FOUND', 'License not found')
      }
    }
    return l
  }

  /** Builds `count` new rows from the input and the product's defaults. */
  async function buildRows(
    actor: Actor,
    input: CreateLicenseInput,
    count: number,
    profile: LicenseProfile = {},
  ): Promise<NewLicense[]> {
    const product = toProductDto(await deps.products.load(actor, input.product_id))
    const d = product.license_defaults
    const now = nowIso(ctx)
    const expiresAt =
      input.expires_at !== undefined
        ? input.expires_at
        : d.duration_days === null || (input.type ?? d.type) === 'lifetime'
          ? null
          : new Date(ctx.clock().getTime() + d.duration_days * 86_400_000).toISOString()
    const customerId = input.customer_email
      ? await findOrCreateCustomer(ctx.db, product.owner_id, input.customer_email, uuid(), now)
      : null
    const rows: NewLicense[] = []
    const nowMs = ctx.clock().getTime()
    // The same for every key of the batch: computed once, not per row.
    const metadata = JSON.stringify(input.metadata ?? {})
    // Stored as the lifecycle's update stores it: no override is null, not `{}`.
    const policy =
      input.policy && Object.keys(input.policy).length > 0 ? JSON.stringify(input.policy) : null
    const expires = expiresAt ? new Date(expiresAt).toISOString() : null
    for (let i = 0; i < count; i++) {
      rows.push({
        // Time-ordered: the licenses primary-key index is appended to, not split at random.
        id: uuidv7(nowMs),
        product_id: product.id,
        key: generateLicenseKey(),
        type: input.type ?? d.type,
        status: 'active',
        level: input.level ?? d.level,
        max_uses: input.max_uses ?? d.max_uses,
        hwid_locked: (input.hwid_locked ?? d.hwid_locked) ? 1 : 0,
        max_sessions: input.max_sessions ?? null,
        expires_at: expires,
        metadata,
        notes: input.notes ?? '',
        status_reason: null,
        customer_id: customerId,
        order_id: null,
        expired_notified_at: null,
        created_at: now,
        updated_at: now,
        title: profile.title ?? null,
        environment: profile.environment ?? 'production',
        policy,
      })
    }
    return rows
  }

  async function insertAll(rows: NewLicense[]): Promise<number[]> {
    // One transaction: all keys or none. A key collision (p ~ 2^-78) aborts the whole batch.
    return ctx.tx((trx) => repo.insertLicenses(trx, rows))
  }

  return {
    load,

    /** One license; `profile` (DevPayr's title and environment) is written with it. */
    async create(
      actor: Actor,
      input: CreateLicenseInput,
      profile: LicenseProfile = {},
    ): Promise<LicenseDto> {
      const [row] = await buildRows(actor, input, 1, profile)
      await insertAll([row])
      await deps.events.record({
        type: 'license.created',
        productId: row.product_id,
        licenseId: row.id,
        details: { key_prefix: row.key.slice(0, 4) },
      })
      return toLicenseDto((await repo.findLicense(ctx.db, row.id))!, nowIso(ctx))
    },

    /** Creates `count` licenses (1–100 over the API, more from the console) in one transaction. */
    async bulkCreate(
      actor: Actor,
      input: BulkCreateLicensesInput | (CreateLicenseInput & { count: number }),
    ) {
      const rows = await buildRows(actor, input, input.count)
      const nums = await insertAll(rows)
      await deps.events.record({
        type: 'license.bulk_created',
        productId: input.product_id,
        details: { count: rows.length },
      })
      // The answer is built from what was just written rather than re-read (re-reading 10,000
      // rows with their derived columns cost more than inserting them): new keys have no
      // machines yet, and the customer row holds the normalised email it was found by.
      const product = await deps.products.load(actor, input.product_id)
      const customerEmail = input.customer_email ? input.customer_email.trim().toLowerCase() : null
      const now = nowIso(ctx)
      const licenses = rows.map((r, i) =>
        toLicenseDto(
          {
            ...r,
            num: nums[i],
            current_uses: 0,
            seats_in_use: 0,
            product_policy: product.policy,
            first_hwid: null,
            customer_email: r.customer_id ? customerEmail : null,
            product_name: product.name,
          } as repo.LicenseRow,
          now,
        ),
      )
      return { created: rows.length, licenses }
    },

    async list(actor: Actor, f: ListLicensesQuery): Promise<Page<LicenseDto>> {
      const now = nowIso(ctx)
      const { rows, total } = await repo.listLicenses(ctx.db, f, now, ownerScope(actor))
      return { items: rows.map((r) => toLicenseDto(r, now)), page: f.page, limit: f.limit, total }
    },

    /** How many licenses the actor sees match `f`. */
    async count(actor: Actor, f: LicenseFilter): Promise<number> {
      return repo.countLicenses(ctx.db, f, nowIso(ctx), ownerScope(actor))
    },

    /**
     * Every license the actor sees matching `f`, `batch` at a time in number order (a keyset
     * cursor: nothing holds the whole set; a consumer that pauses pauses the reads).
     */
    async *matching(actor: Actor, f: LicenseFilter, batch = 500): AsyncGenerator<LicenseDto[]> {
      let after = 0
      for (;;) {
        const now = nowIso(ctx)
        const rows = await repo.licenseBatchAfter(ctx.db, f, now, ownerScope(actor), after, batch)
        if (rows.length === 0) return
        after = rows[rows.length - 1].num
        yield rows.map((r) => toLicenseDto(r, now))
        if (rows.length < batch) return
      }
    },

    async get(actor: Actor, id: string): Promise<LicenseDto> {
      return toLicenseDto(await load(actor, id), nowIso(ctx))
    },

    /** An edit; a status or expiry change in it is a lifecycle transition (lifecycle.ts). */
    async update(
      actor: Actor,
      id: string,
      input: UpdateLicenseInput,
      origin?: Origin,
    ): Promise<LicenseDto> {
      const l = await load(actor, id)
      const { customer_email, ...rest } = input
      const edit: LicenseEdit = rest
      if (customer_email === null) edit.customer_id = null
      else if (customer_email !== undefined) {
        const owner = (await deps.products.load(actor, l.product_id)).owner_id
        edit.customer_id = await findOrCreateCustomer(
          ctx.db,
          owner,
          customer_email,
          uuid(),
          nowIso(ctx),
        )
      }
      await deps.lifecycle.edit(id, edit, origin)
      return toLicenseDto((await repo.findLicense(ctx.db, id))!, nowIso(ctx))
    },

    async remove(actor: Actor, id: string): Promise<void> {
      await load(actor, id)
      await deps.lifecycle.apply(id, { kind: 'delete' })
    },

    /** Frees every machine binding (ending their sessions) so new hardware can activate. */
    async resetHwid(actor: Actor, id: string): Promise<LicenseDto> {
      await load(actor, id)
      await deps.lifecycle.apply(id, { kind: 'reset_hwid' })
      return toLicenseDto((await repo.findLicense(ctx.db, id))!, nowIso(ctx))
    },

    /** Any other transition of one license the actor may touch (ban, unban, revoke, ...). */
    async transition(actor: Actor, id: string, t: Transition, origin?: Origin) {
      await load(actor, id)
      return deps.lifecycle.apply(id, t, origin)
    },
  }
}

export type LicensesService = ReturnType<typeof createLicensesService>
