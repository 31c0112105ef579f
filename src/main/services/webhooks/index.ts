import { DomainError } from '@shared/errors'
import type { Page } from '@shared/dto'
import {
  type CreateWebhookParsed,
  type ListDeliveriesQuery,
  type RotateWebhookSecretParsed,
  type UpdateWebhookParsed,
  type DeliveryDto,
  type WebhookDto,
  type WebhookEvent,
  type WebhookTestResult,
} from '@shared/channels/webhooks'
import * as repo from '../../db/repositories/webhooks'
import * as outbox from '../../db/repositories/deliveries'
import { randomToken, uuid } from '../../crypto/random'
import { sealedAad } from '../../crypto/seal'
import { type Actor, nowIso, ownerOf, seesAll, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { SecurityService } from '../security'
import { checkTarget, type TargetPolicy } from './target'
import { deliveryHeaders, send } from './send'
import { inOverlap, signingSecrets } from './secrets'
import { createWorker } from './worker'

function mask(secret: string): string {
  return secret.length <= 10 ? '••••' : `${secret.slice(0, 6)}…${secret.slice(-4)}`
}

function toDto(
  r: repo.WebhookRow & {
    pending_deliveries?: number | null
    last_delivery_at?: string | null
    last_status?: string | null
  },
  nowMs: number,
  revealSecret = false,
): WebhookDto {
  return {
    id: r.id,
    owner_id: r.owner_id,
    url: r.url,
    events: JSON.parse(r.events) as WebhookEvent[],
    secret: revealSecret ? r.secret : mask(r.secret),
    previous_secret_expires_at: inOverlap(r, nowMs) ? r.previous_secret_expires_at : null,
    is_active: r.is_active === 1,
    created_at: r.created_at,
    updated_at: r.updated_at,
    ...(r.pending_deliveries !== undefined && {
      pending_deliveries: Number(r.pending_deliveries ?? 0),
      last_delivery_at: r.last_delivery_at ?? null,
      last_status: (r.last_status as WebhookDto['last_status']) ?? null,
    }),
  }
}

function toDeliveryDto(r: outbox.DeliveryRow): DeliveryDto {
  return {
    id: r.id,
    webhook_id: r.webhook_id,
    event_id: r.event_id,
    event_type: r.event_type,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.next_attempt_at,
    last_status_code: r.last_status_code,
    last_response_ms: r.last_response_ms,
    last_error: r.last_error,
    created_at: r.created_at,
    delivered_at: r.delivered_at,
    payload: r.payload,
  }
}

/**
 * Webhook endpoints (CRUD, test sends, delivery log, redelivery) and the delivery worker.
 * A `user` account manages only its own webhooks, which hear only about its own products;
 * admins and the console see and manage every webhook.
 */
export function createWebhooksService(
  ctx: ServiceContext,
  deps: { events: EventsService; security: SecurityService; random?: () => number },
) {
  /** The DTO with the signing secret opened (stored sealed under master.key). */
  const view = (r: Parameters<typeof toDto>[0], reveal = false) =>
    toDto(
      { ...r, secret: ctx.secrets.open(r.secret, sealedAad.webhookSecret(r.id)) },
      ctx.clock().getTime(),
      reveal,
    )
  let selfPort: number | null = null
  let allowPrivateForUsers = false

  /** The target policy for a webhook owned by an account with `ownerRole` (null = installation). */
  function policyFor(ownerRole: string | null): TargetPolicy {
    return { allowPrivate: ownerRole !== 'user' || allowPrivateForUsers, selfPort }
  }

  async function refreshPolicy(): Promise<void> {
    allowPrivateForUsers = (await deps.security.thresholds()).webhooks.allow_private_for_users
  }

  async function policyForActor(actor: Actor): Promise<TargetPolicy> {
    await refreshPolicy()
    return policyFor(actor.kind === 'account' ? actor.role : null)
  }

  const worker = createWorker(ctx, { policyFor, refreshPolicy, random: deps.random })

  async function load(actor: Actor, id: string): Promise<repo.WebhookWithOwner> {
    const w = await repo.findWebhook(ctx.db, id)
    if (!w || (!seesAll(actor) && w.owner_id !== ownerOf(actor))) {
      throw new DomainError('NOT_FOUND', 'Webhook not found')
    }
    return w
  }

  return {
    /** Tells the SSRF guard which port this server listens on (set by the runtime). */
    setListening(port: number | null): void {
      selfPort = port
    },

    async list(actor: Actor): Promise<WebhookDto[]> {
      const rows = await repo.listWebhooks(ctx.db, seesAll(actor) ? undefined : ownerOf(actor))
      return rows.map((r) => view(r))
    },

    async get(actor: Actor, id: string): Promise<WebhookDto> {
      return view(await load(actor, id))
    },

    /** Creates an endpoint; the answer carries the full secret (generated when not given). */
    async create(actor: Actor, i: CreateWebhookParsed): Promise<WebhookDto> {
      await checkTarget(i.url, await policyForActor(actor))
      const now = nowIso(ctx)
      const id = uuid()
      await repo.insertWebhook(ctx.db, {
        id,
        owner_id: ownerOf(actor),
        url: i.url,
        events: JSON.stringify([...new Set(i.events)]),
        secret: ctx.secrets.seal(
          i.secret ?? `whsec_${randomToken(24)}`,
          sealedAad.webhookSecret(id),
        ),
        is_active: i.is_active === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      await deps.events.record({
        type: 'webhook.created',
        details: { webhook_id: id, url: i.url, events: i.events },
      })
      return view((await repo.findWebhook(ctx.db, id))!, true)
    },

    async update(actor: Actor, id: string, p: UpdateWebhookParsed): Promise<WebhookDto> {
      await load(actor, id)
      if (p.url !== undefined) await checkTarget(p.url, await policyForActor(actor))
      await repo.updateWebhook(ctx.db, id, {
        ...(p.url !== undefined && { url: p.url }),
        ...(p.events !== undefined && { events: JSON.stringify([...new Set(p.events)]) }),
        // A secret set by hand replaces the current one at once and ends a rotation's overlap
        // (rotateSecret is the way to switch without missing deliveries).
        ...(p.secret !== undefined && {
          secret: ctx.secrets.seal(p.secret, sealedAad.webhookSecret(id)),
          previous_secret: null,
          previous_secret_expires_at: null,
        }),
        ...(p.is_active !== undefined && { is_active: p.is_active ? 1 : 0 }),
        updated_at: nowIso(ctx),
      })
      await deps.events.record({
        type: 'webhook.updated',
        details: { webhook_id: id, fields: Object.keys(p) },
      })
      return view((await repo.findWebhook(ctx.db, id))!, p.secret !== undefined)
    },

    /**
     * Replaces the signing secret with a new generated one (shown once in the answer). The
     * previous one, sealed like the current, keeps signing every delivery as a second `v1=`
     * until `overlap_hours` from now; rotating again during an overlap drops the oldest.
     */
    async rotateSecret(
      actor: Actor,
      id: string,
      i: RotateWebhookSecretParsed,
    ): Promise<WebhookDto> {
      const w = await load(actor, id)
      const nowMs = ctx.clock().getTime()
      const until =
        i.overlap_hours > 0 ? new Date(nowMs + i.overlap_hours * 3_600_000).toISOString() : null
      const current = ctx.secrets.open(w.secret, sealedAad.webhookSecret(id))
      await repo.updateWebhook(ctx.db, id, {
        secret: ctx.secrets.seal(`whsec_${randomToken(24)}`, sealedAad.webhookSecret(id)),
        previous_secret: until && ctx.secrets.seal(current, sealedAad.webhookPreviousSecret(id)),
        previous_secret_expires_at: until,
        updated_at: nowIso(ctx),
      })
      await deps.events.record({
        type: 'webhook.secret_rotated',
        details: { webhook_id: id, previous_secret_valid_until: until },
      })
      return view((await repo.findWebhook(ctx.db, id))!, true)
    },

    /** Deletes an endpoint with its delivery log (pending deliveries are dropped). */
    async remove(actor: Actor, id: string): Promise<void> {
      await load(actor, id)
      await repo.deleteWebhook(ctx.db, id)
      await deps.events.record({ type: 'webhook.deleted', details: { webhook_id: id } })
    },

    /**
     * Sends a signed `webhook.test` event now (outside the queue, no retry) and reports the
     * receiver's answer; the attempt is kept in the delivery log.
     */
    async test(actor: Actor, id: string): Promise<WebhookTestResult> {
      const w = await load(actor, id)
      await refreshPolicy()
      const deliveryId = uuid()
      const now = nowIso(ctx)
      const body = JSON.stringify({
        id: deliveryId,
        event: 'webhook.test',
        created_at: now,
        data: { webhook_id: w.id, message: 'Test delivery from Keywarden' },
      })
      const at = ctx.clock().getTime()
      const headers = deliveryHeaders(
        {
          id: deliveryId,
          event: 'webhook.test',
          secrets: signingSecrets(ctx.secrets, w.id, w, at),
          body,
        },
        at,
      )
      const r = await send(w.url, headers, body, policyFor(w.owner_role))
      await outbox.insertSent(ctx.db, {
        id: deliveryId,
        webhook_id: w.id,
        event_id: null,
        event_type: 'webhook.test',
        payload: body,
        status: r.ok ? 'delivered' : 'failed',
        attempts: 1,
        next_attempt_at: null,
        last_status_code: r.statusCode,
        last_response_ms: r.responseMs,
        last_error: r.error,
        created_at: now,
        delivered_at: r.ok ? nowIso(ctx) : null,
      })
      return {
        delivered: r.ok,
        status_code: r.statusCode,
        response_time_ms: r.responseMs,
        error: r.error,
        delivery_id: deliveryId,
      }
    },

    async deliveries(actor: Actor, id: string, f: ListDeliveriesQuery): Promise<Page<DeliveryDto>> {
      await load(actor, id)
      const { rows, total } = await outbox.listDeliveries(ctx.db, id, f.status, f.page, f.limit)
      return { items: rows.map(toDeliveryDto), page: f.page, limit: f.limit, total }
    },

    /** Queues a delivery again for an immediate send (same delivery id: receivers dedupe). */
    async redeliver(actor: Actor, deliveryId: string): Promise<DeliveryDto> {
      const d = await outbox.findDelivery(ctx.db, deliveryId)
      if (!d) throw new DomainError('NOT_FOUND', 'Delivery not found')
      await load(actor, d.webhook_id).catch(() => {
        throw new DomainError('NOT_FOUND', 'Delivery not found')
      })
      await outbox.requeue(ctx.db, deliveryId, nowIso(ctx))
      await worker.kick()
      return toDeliveryDto((await outbox.findDelivery(ctx.db, deliveryId))!)
    },

    /** Starts the delivery worker and the expiry sweep (the runtime calls this). */
    async start(): Promise<void> {
      await refreshPolicy()
      await worker.start()
    },
    stop: () => worker.stop(),
    /** Runs the outbox now (tests with an injected clock; redelivery). */
    kick: () => worker.kick(),
    /** Announces licenses that reached expires_at (also runs on start and every minute). */
    sweepExpired: () => worker.sweepExpired(),
  }
}

export type WebhooksService = ReturnType<typeof createWebhooksService>
