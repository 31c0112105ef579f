import type { BulkLicenseAction, BulkLicenseResult } from '@shared/channels/console-licenses'
import { DomainError } from '@shared/errors'
import type { Actor } from '../context'
import type { LicensesService } from '.'
import type { Transition } from './lifecycle'

/** The lifecycle transition a bulk action is, per key: the same rule as for one key. */
function transitionOf(action: BulkLicenseAction, days?: number): Transition {
  switch (action) {
    case 'suspend':
      return { kind: 'suspend', reason: 'Suspended from the console' }
    case 'resume':
      return { kind: 'resume' }
    case 'extend':
      return { kind: 'extend', days: days ?? 0 }
    case 'delete':
      return { kind: 'delete' }
  }
}

/**
 * Bulk actions of the console's license table. Each key goes through the same ownership check
 * and the same lifecycle transition as one key would (licenses.transition); a key that fails is
 * reported by id and the others still proceed. The keys' transactions share group commits.
 */
export function createLicenseBulkOps(licenses: LicensesService) {
  return {
    async apply(
      actor: Actor,
      ids: string[],
      action: BulkLicenseAction,
      days?: number,
    ): Promise<BulkLicenseResult> {
      const t = transitionOf(action, days)
      const unique = [...new Set(ids)]
      const outcomes = await Promise.allSettled(
        unique.map((id) => licenses.transition(actor, id, t)),
      )
      const failed: BulkLicenseResult['failed'] = []
      outcomes.forEach((o, i) => {
        if (o.status === 'rejected')
          failed.push({
            id: unique[i],
            message:
              o.reason instanceof DomainError ? o.reason.message : 'Could not update this key',
          })
      })
      return { updated: unique.length - failed.length, failed }
    },
  }
}

export type LicenseBulkOps = ReturnType<typeof createLicenseBulkOps>
