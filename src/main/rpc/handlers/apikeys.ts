import type { apiKeyChannels } from '@shared/channels/apikeys'
import type { HandlerDeps, HandlersFor } from './types'

/** Backend API keys: the same service calls as /api/api-keys. */
export function apiKeyHandlers({ services: s }: HandlerDeps): HandlersFor<typeof apiKeyChannels> {
  return {
    'apiKeys.list': async (_i, { actor }) => s.apiKeys.list(actor),
    'apiKeys.create': async (i, { actor }) => s.apiKeys.create(actor, i),
    'apiKeys.revoke': async (i, { actor }) => s.apiKeys.revoke(actor, i.id),
  }
}
