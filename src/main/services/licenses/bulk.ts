import type { BulkLicenseAction, BulkLicenseResult } from '@shared/channels/console-licenses'
import { DomainError } from '@shared/errors'
import type { Actor, ServiceContext } from '../context'
import type { LicensesService } from '.'

const DAY = 86_400_000

/**
 * Bulk actions of the console's license table. Each key goes through the licenses service's
 * own update/remove (so ownership checks and events stay the same as for one key); a key
 * that fails is reported by id and the others still proceed.
 */
export function createLicenseBulkOps(ctx: ServiceContext, licenses: LicensesService) {
  async function one(
    actor: Actor,
    id: string,
    action: BulkLicenseAction,
    days?: number,
  ): Promise<void> {
    switch (action) {
      case 'suspend':
        await licenses.update(actor, id, {
          status: 'suspended',
          status_reason: 'Suspended from the console',
        })
        return
      case 'resume': {
        const l = await licenses.get(actor, id)
        if (l.status === 'banned')
          throw new DomainError('LICENSE_BANNED', 'A banned key is not resumed by a bulk action')
        await licenses.update(actor, id, { status: 'active', status_reason: null })
        return
      }
      case 'extend': {
        const l = await licenses.get(actor, id)
        const now = ctx.clock().getTime()
        // Lifetime keys have nothing to extend; an expired key is extended from today.
        if (l.expires_at === null) return
        const from = Math.max(now, Date.parse(l.expires_at))
        const next = new Date(from + (days ?? 0) * DAY).toISOString()
        await licenses.update(actor, id, {
          expires_at: next,
          ...(l.status === 'expired' && { status: 'active' }),
        })
        return
      }
      case 'delete':
        await licenses.remove(actor, id)
        return
    }
  }

  return {
    async apply(
      actor: Actor,
      ids: string[],
      action: BulkLicenseAction,
      days?: number,
    ): Promise<BulkLicenseResult> {
      const failed: BulkLicenseResult['failed'] = []
      let updated = 0
      for (const id of new Set(ids)) {
        try {
          await one(actor, id, action, days)
          updated++
        } catch (e) {
          failed.push({
            id,
            message: e instanceof DomainError ? e.message : 'Could not update this key',
          })
        }
      }
      return { updated, failed }
    },
  }
}

export type LicenseBulkOps = ReturnType<typeof createLicenseBulkOps>
