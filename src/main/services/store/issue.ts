/** Helpers of the order flow: the keys an order issues and how they read back. */
import type { IssuedKeyDto } from '@shared/channels/store'
import type { NewLicense, Product } from '../../db/schema'
import type * as repo from '../../db/repositories/orders'
import { generateLicenseKey, uuid } from '../../crypto/random'
import { toProductDto } from '../products'
import { effectiveStatus } from '../licenses'

export function toIssuedKeyDto(k: repo.IssuedKeyRow, now: string): IssuedKeyDto {
  return {
    id: k.id,
    num: k.num,
    key: k.key,
    product_id: k.product_id,
    status: effectiveStatus(k, now),
    used: Number(k.used) === 1,
    created_at: k.created_at,
  }
}

/** Start of the day (for `from`) or of the next day (for `to`) when given a bare date. */
export function boundary(v: string | undefined, end: boolean): string | undefined {
  if (!v) return undefined
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = new Date(v + 'T00:00:00.000Z')
    if (end) d.setUTCDate(d.getUTCDate() + 1)
    return d.toISOString()
  }
  return new Date(v).toISOString()
}

/** One license per unit, from the product's license defaults, bound to the order's customer. */
export function keyRows(p: Product, o: repo.OrderRow, now: Date): NewLicense[] {
  const d = toProductDto(p).license_defaults
  const iso = now.toISOString()
  const expires =
    d.type === 'lifetime' || d.duration_days === null
      ? null
      : new Date(now.getTime() + d.duration_days * 86_400_000).toISOString()
  return Array.from({ length: o.quantity }, () => ({
    id: uuid(),
    product_id: p.id,
    key: generateLicenseKey(),
    type: d.type,
    status: 'active' as const,
    level: d.level,
    max_uses: d.max_uses,
    hwid_locked: d.hwid_locked ? 1 : 0,
    max_sessions: null,
    expires_at: expires,
    metadata: JSON.stringify({ order: o.num }),
    notes: '',
    status_reason: null,
    customer_id: o.customer_id,
    order_id: o.id,
    expired_notified_at: null,
    created_at: iso,
    updated_at: iso,
  }))
}
