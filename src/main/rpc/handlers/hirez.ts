import type { hirezChannels } from '@shared/channels/hirez'
import type { HandlerDeps, HandlersFor } from './types'

/** Hi-Rez developer credentials: the same service calls as /api/hirez/developers. */
export function hirezHandlers({ services: s }: HandlerDeps): HandlersFor<typeof hirezChannels> {
  const c = s.hirez.credentials
  return {
    'hirez.list': async (_i, { actor }) => c.list(actor),
    'hirez.create': async (i, { actor }) => c.create(actor, i),
    'hirez.update': async (i, { actor }) => c.update(actor, i.dev_id, i.patch),
    'hirez.rekey': async (i, { actor }) => c.rekey(actor, i.dev_id),
    'hirez.revoke': async (i, { actor }) => c.revoke(actor, i.dev_id),
  }
}
