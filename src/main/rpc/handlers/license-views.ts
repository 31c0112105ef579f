import type { licenseViewChannels } from '@shared/channels/license-views'
import { DomainError } from '@shared/errors'
import { writeLicensesFile } from '../../services/transfer/to-file'
import type { HandlerDeps, HandlersFor } from './types'

/** "All N matching" bulk actions, the desktop export to a file and the machines view. */
export function licenseViewHandlers({
  services: s,
  desktop,
}: HandlerDeps): HandlersFor<typeof licenseViewChannels> {
  return {
    'licenses.bulkUpdateMatching': async (i, { actor }) =>
      s.licenseBulk.applyMatching(actor, i.filter, i.expected, i.action, {
        days: i.days,
        reason: i.reason,
      }),
    'licenses.exportToFile': async (i, { actor }) => {
      if (!desktop?.chooseSavePath)
        throw new DomainError(
          'FORBIDDEN',
          'Export to a file exists only in the desktop app (the browser downloads /console/export/licenses.csv)',
        )
      const date = new Date().toISOString().slice(0, 10)
      const path = await desktop.chooseSavePath(`keywarden-licenses-${date}.${i.format}`)
      if (!path) return null
      await writeLicensesFile(s.licenses, actor, i.filter, i.format, path)
      return { path }
    },
    'machines.list': async (i, { actor }) =>
      s.licenseMachines.listAll(actor, {
        q: i.q,
        customerId: i.customer_id,
        page: i.page,
        limit: i.limit,
      }),
  }
}
