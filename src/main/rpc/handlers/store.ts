import type { storeChannels } from '@shared/channels/store'
import type { variablesChannels } from '@shared/channels/variables'
import type { secretsChannels } from '@shared/channels/account'
import { scopeOf } from '../../services/store'
import type { HandlerDeps, HandlersFor } from './types'

type Channels = typeof storeChannels & typeof variablesChannels & typeof secretsChannels

/** The store (orders, customers, analytics), license variables and the SellRealm secrets. */
export function storeHandlers({ services: s }: HandlerDeps): HandlersFor<Channels> {
  return {
    'store.orders.list': async (i, { actor }) => s.store.orders.list(scopeOf(actor), i),
    'store.orders.get': async (i, { actor }) => s.store.orders.get(scopeOf(actor), i.id),
    'store.orders.create': async (i, { actor }) => s.store.orders.create(scopeOf(actor), i),
    'store.orders.setStatus': async (i, { actor }) =>
      s.store.orders.setStatus(scopeOf(actor), i.id, i.status),
    'store.orders.refund': async (i, { actor }) => s.store.orders.refund(scopeOf(actor), i.id),
    'store.customers.list': async (i, { actor }) => s.store.customers(scopeOf(actor), i),
    'store.customers.get': async (i, { actor }) => s.store.customer(scopeOf(actor), i.id),
    'store.customers.setNotes': async (i, { actor }) =>
      s.store.setCustomerNotes(scopeOf(actor), i.id, i.notes),
    'store.analytics': async (i, { actor }) => s.store.analytics(scopeOf(actor), i),

    'variables.list': async (i, { actor }) => s.variables.list(actor, i.scope),
    'variables.upsert': async (i, { actor }) => s.variables.upsert(actor, i.scope, i.variable),
    'variables.delete': async (i, { actor }) => {
      await s.variables.remove(actor, i.scope, i.name)
      return { deleted: true }
    },
    'variables.file': async (i, { actor }) => s.variables.file(actor, i.scope, i.name),

    'account.secrets': async (_i, { actor }) => s.store.secrets.get(actor),
    'account.regenerateSecrets': async (_i, { actor }) => s.store.secrets.regenerate(actor),
    'sellrealm.config': async () => s.store.config.get(),
    'sellrealm.updateConfig': async (i, { actor }) => s.store.config.update(actor, i),
  }
}
