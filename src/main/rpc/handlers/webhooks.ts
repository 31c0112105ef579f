import type { webhookChannels } from '@shared/channels/webhooks'
import type { HandlerDeps, HandlersFor } from './types'

/** Webhooks for the console: the same service calls as /api/webhooks. */
export function webhookHandlers({ services: s }: HandlerDeps): HandlersFor<typeof webhookChannels> {
  const wh = s.webhooks
  return {
    'webhooks.list': async (_i, { actor }) => wh.list(actor),
    'webhooks.create': async (i, { actor }) => wh.create(actor, i),
    'webhooks.update': async (i, { actor }) => wh.update(actor, i.id, i.patch),
    'webhooks.delete': async (i, { actor }) => {
      await wh.remove(actor, i.id)
      return { deleted: true }
    },
    'webhooks.rotateSecret': async ({ id, ...i }, { actor }) => wh.rotateSecret(actor, id, i),
    'webhooks.test': async (i, { actor }) => wh.test(actor, i.id),
    'webhooks.deliveries': async (i, { actor }) => wh.deliveries(actor, i.id, i),
    'webhooks.redeliver': async (i, { actor }) => wh.redeliver(actor, i.id),
  }
}
