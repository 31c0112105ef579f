import type { BulkLicenseAction, BulkLicenseResult } from '@shared/channels/console-licenses'
import { DomainError } from '@shared/errors'
import type { LicenseFilter } from '@shared/schemas'
import type { Actor } from '../context'
import type { LicensesService } from '.'
import type { Transition } from './lifecycle'

/** The most licenses one "all N matching" action may touch. */
export const MAX_MATCHING = 50_000
/** Keys per batch of a filter-wide action: one batch's transactions share group commits. */
const BATCH = 200
/** Failures listed by id in an answer (the count covers them all). */
const FAILED_LISTED = 100

/** The lifecycle transition a bulk action is, per key: the same rule as for one key. */
function transitionOf(action: BulkLicenseAction, days?: number, reason?: string): Transition {
  switch (action) {
    case 'suspend':
      return { kind: 'suspend', reason: reason || 'Suspended from the console' }
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
  async function run(
    actor: Actor,
    ids: string[],
    t: Transition,
    out: BulkLicenseResult & { failures: number },
  ): Promise<void> {
    const outcomes = await Promise.allSettled(ids.map((id) => licenses.transition(actor, id, t)))
    outcomes.forEach((o, i) => {
      if (o.status === 'fulfilled') {
        out.updated++
        return
      }
      out.failures++
      if (out.failed.length < FAILED_LISTED)
        out.failed.push({
          id: ids[i],
          message: o.reason instanceof DomainError ? o.reason.message : 'Could not update this key',
        })
    })
  }

  return {
    async apply(
      actor: Actor,
      ids: string[],
      action: BulkLicenseAction,
      days?: number,
      reason?: string,
    ): Promise<BulkLicenseResult> {
      const out = { updated: 0, failed: [], failures: 0 }
      await run(actor, [...new Set(ids)], transitionOf(action, days, reason), out)
      return { updated: out.updated, failed: out.failed }
    },

    /**
     * The action on every license matching `filter` (not only the page on screen), walked
     * server-side in batches with a keyset cursor. `expected` is the count the user confirmed:
     * when more match by now, nothing is done (CONFLICT) so no key the confirmation did not
     * name is touched. At most MAX_MATCHING keys per call.
     */
    async applyMatching(
      actor: Actor,
      filter: LicenseFilter,
      expected: number,
      action: BulkLicenseAction,
      opts: { days?: number; reason?: string } = {},
    ): Promise<BulkLicenseResult & { matched: number }> {
      const matched = await licenses.count(actor, filter)
      if (matched > MAX_MATCHING)
        throw new DomainError(
          'VALIDATION_ERROR',
          `${matched} licenses match: narrow the filter to at most ${MAX_MATCHING} for one action`,
        )
      if (matched > expected)
        throw new DomainError(
          'CONFLICT',
          `${matched} licenses match now, not the ${expected} you confirmed: review and confirm again`,
        )
      const t = transitionOf(action, opts.days, opts.reason)
      const out = { updated: 0, failed: [], failures: 0 }
      let seen = 0
      for await (const batch of licenses.matching(actor, filter, BATCH)) {
        const ids = batch.slice(0, matched - seen).map((l) => l.id)
        seen += ids.length
        await run(actor, ids, t, out)
        if (seen >= matched) break
      }
      return { updated: out.updated, failed: out.failed, matched }
    },
  }
}

export type LicenseBulkOps = ReturnType<typeof createLicenseBulkOps>
