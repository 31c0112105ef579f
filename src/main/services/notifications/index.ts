import { DomainError } from '@shared/errors'
import type { NotificationDto } from '@shared/accounts'
import type { EventDto } from '@shared/dto'
import * as repo from '../../db/repositories/notifications'
import { findProduct } from '../../db/repositories/products'
import { findLicense } from '../../db/repositories/licenses'
import { uuid } from '../../crypto/random'
import { type Actor, nowIso, seesAll, type ServiceContext } from '../context'
import { EVENT_PUSHED } from '../events'

export interface NewNotification {
  /** The account to tell; null = the installation (admins and the console see it). */
  accountId: string | null
  type: string
  title: string
  message: string
}

/** The same alert for the same account is raised at most once per this window. */
const THROTTLE_MS = 10 * 60_000

function reader(actor: Actor): repo.NotificationReader {
  return actor.kind === 'account'
    ? { accountId: actor.accountId, withGlobal: seesAll(actor) }
    : { accountId: null, withGlobal: true }
}

function toDto(r: {
  id: string
  type: string
  title: string
  message: string
  is_read: number
  created_at: string
}): NotificationDto {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    message: r.message,
    is_read: r.is_read === 1,
    created_at: r.created_at,
  }
}

/**
 * Per-account notifications (LicenseCM's /api/notifications). Raised from the event feed:
 * a license that expired tells its product's owner; a high or critical security event tells
 * the owner of the product concerned (or the installation's admins).
 */
export function createNotificationsService(ctx: ServiceContext) {
  const lastRaised = new Map<string, number>()

  async function notify(n: NewNotification): Promise<void> {
    await repo.insertNotification(ctx.db, {
      id: uuid(),
      account_id: n.accountId,
      type: n.type,
      title: n.title,
      message: n.message,
      is_read: 0,
      created_at: nowIso(ctx),
    })
  }

  async function fromEvent(e: EventDto): Promise<void> {
    const expired = e.type === 'license.expired' || e.type === 'license_expired'
    const alert = e.severity === 'high' || e.severity === 'critical'
    if (!expired && !alert) return
    const product = e.product_id ? await findProduct(ctx.db, e.product_id) : undefined
    const accountId = product?.owner_id ?? null
    const throttleKey = `${accountId}|${expired ? e.license_id : e.type}`
    const now = ctx.clock().getTime()
    if ((lastRaised.get(throttleKey) ?? -Infinity) > now - THROTTLE_MS) return
    lastRaised.set(throttleKey, now)
    if (expired) {
      const lic = e.license_id ? await findLicense(ctx.db, e.license_id) : undefined
      await notify({
        accountId,
        type: 'license_expired',
        title: 'License Expired',
        message: `License ${lic?.key ?? e.license_id ?? ''} expired`,
      })
    } else {
      await notify({
        accountId,
        type: 'security_alert',
        title: 'Security Alert',
        message: `${e.type.replace(/[._]/g, ' ')}${e.ip ? ` from ${e.ip}` : ''}${product ? ` on ${product.name}` : ''}`,
      })
    }
  }

  return {
    notify,

    /** Starts turning pushed events into notifications; returns the stop function. */
    watch(): () => void {
      const listener = (e: EventDto) => {
        // A lost notification must never break the request that recorded the event.
        fromEvent(e).catch(() => {})
      }
      ctx.bus.on(EVENT_PUSHED, listener)
      return () => ctx.bus.off(EVENT_PUSHED, listener)
    },

    async list(actor: Actor, o: { unreadOnly?: boolean; page?: number; limit?: number } = {}) {
      const limit = o.limit ?? 50
      const page = o.page ?? 1
      const { rows, total } = await repo.listNotifications(ctx.db, reader(actor), {
        unreadOnly: o.unreadOnly,
        limit,
        offset: (page - 1) * limit,
      })
      return { items: rows.map(toDto), page, limit, total }
    },

    async unreadCount(actor: Actor): Promise<{ count: number }> {
      return { count: await repo.countUnread(ctx.db, reader(actor)) }
    },

    async markRead(actor: Actor, id: string): Promise<void> {
      if (!(await repo.markRead(ctx.db, reader(actor), id))) {
        throw new DomainError('NOT_FOUND', 'Notification not found')
      }
    },

    async markAllRead(actor: Actor): Promise<{ updated: number }> {
      return { updated: await repo.markAllRead(ctx.db, reader(actor)) }
    },
  }
}

export type NotificationsService = ReturnType<typeof createNotificationsService>
