import type { licenseViewChannels } from '@shared/channels/license-views'
import type { HandlerDeps, HandlersFor } from './types'

/** "All N matching" bulk actions and the machines view. */
export function licenseViewHandlers({
  services: s,
}: HandlerDeps): HandlersFor<typeof licenseViewChannels> {
  return {
    'licenses.bulkUpdateMatching': async (i, { actor }) =>
      s.licenseBulk.applyMatching(actor, i.filter, i.expected, i.action, {
        days: i.days,
        reason: i.reason,
      }),
    'machines.list': async (i, { actor }) =>
      s.licenseMachines.listAll(actor, {
        q: i.q,
        customerId: i.customer_id,
        page: i.page,
        limit: i.limit,
      }),
  }
}
