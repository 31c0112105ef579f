import type { licenseFileChannels } from '@shared/channels/license-files'
import type { HandlerDeps, HandlersFor } from './types'

/** License files for the console: the same service calls as /api/licenses/:id/files. */
export function licenseFileHandlers({
  services: s,
}: HandlerDeps): HandlersFor<typeof licenseFileChannels> {
  const lf = s.licenseFiles
  return {
    'licenseFiles.issue': async ({ id, ...opts }, { actor }) =>
      lf.checkOut(actor, id, opts, 'console'),
    'licenseFiles.fromRequest': async ({ request, ...opts }, { actor }) =>
      lf.fromRequest(actor, request, opts),
    'licenseFiles.list': async (i, { actor }) => lf.list(actor, i.id),
    'licenseFiles.revoke': async (i, { actor }) => lf.revoke(actor, i.id, i.file_id, i.reason),
  }
}
