import type { coreChannels } from '@shared/channels/core'
import type { HandlerDeps, HandlersFor } from './types'

/** Server status, products, licenses and the event feed. */
export function coreHandlers({
  services: s,
  serverStatus,
}: HandlerDeps): HandlersFor<typeof coreChannels> {
  return {
    'server.status': async () => serverStatus(),

    'products.list': async (i, { actor }) => s.products.list(actor, i.q),
    'products.get': async (i, { actor }) => s.products.get(actor, i.id),
    'products.create': async (i, { actor }) => s.products.create(actor, i),
    'products.update': async (i, { actor }) => s.products.update(actor, i.id, i.patch),
    'products.delete': async (i, { actor }) => {
      await s.products.remove(actor, i.id)
      return { deleted: true }
    },
    'products.regenerateKey': async (i, { actor }) => s.products.regenerateKey(actor, i.id),

    'licenses.list': async (i, { actor }) => s.licenses.list(actor, i),
    'licenses.get': async (i, { actor }) => s.licenses.get(actor, i.id),
    'licenses.create': async (i, { actor }) => s.licenses.create(actor, i),
    'licenses.bulkCreate': async (i, { actor }) => s.licenses.bulkCreate(actor, i),
    'licenses.update': async (i, { actor }) => s.licenses.update(actor, i.id, i.patch),
    'licenses.delete': async (i, { actor }) => {
      await s.licenses.remove(actor, i.id)
      return { deleted: true }
    },
    'licenses.resetHwid': async (i, { actor }) => s.licenses.resetHwid(actor, i.id),
    'licenses.events': async (i, { actor }) => {
      await s.licenses.load(actor, i.id)
      return s.events.listForLicense(actor, i.id, i.page, i.limit)
    },

    'events.recent': async (i, { actor }) => s.events.recent(actor, i.limit),
  }
}
