import type { Channel, OutputOf, ParsedInputOf } from '@shared/contract'
import type { Services } from '../services'
import type { Actor } from '../services/context'
import type { ServerStatus } from '@shared/dto'

export interface CallContext {
  actor: Actor
}

export type Handlers = {
  [C in Channel]: (input: ParsedInputOf<C>, cx: CallContext) => Promise<OutputOf<C>>
}

export interface HandlerDeps {
  services: Services
  /** Live status of the embedded server (the shell knows whether and where it listens). */
  serverStatus: () => ServerStatus
}

/**
 * Every console channel, implemented once over the services. The IPC adapter (desktop) and
 * the HTTP adapter (headless console, browser-mode tests) both call exactly these.
 */
export function createHandlers({ services: s, serverStatus }: HandlerDeps): Handlers {
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
      return s.events.listForLicense(i.id, i.page, i.limit)
    },

    'events.recent': async (i) => s.events.recent(i.limit),
  }
}
