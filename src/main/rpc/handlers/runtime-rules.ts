import type { runtimeRuleChannels } from '@shared/channels/runtime-rules'
import type { HandlerDeps, HandlersFor } from './types'

/** Domains, injectables and the paid state of a product (services/domains, injectables, payment). */
export function runtimeRuleHandlers({
  services: s,
}: HandlerDeps): HandlersFor<typeof runtimeRuleChannels> {
  return {
    'products.domains.list': async (i, { actor }) => s.domains.list(actor, i.product_id),
    'products.domains.create': async (i, { actor }) =>
      s.domains.create(actor, i.product_id, i.domain),
    'products.domains.update': async (i, { actor }) =>
      s.domains.update(actor, i.product_id, i.id, i.patch),
    'products.domains.delete': async (i, { actor }) => {
      await s.domains.remove(actor, i.product_id, i.id)
      return { deleted: true as const }
    },
    'products.injectables.list': async (i, { actor }) => s.injectables.list(actor, i.product_id),
    'products.injectables.create': async (i, { actor }) =>
      s.injectables.create(actor, i.product_id, i.injectable),
    'products.injectables.update': async (i, { actor }) =>
      s.injectables.update(actor, i.product_id, i.id, i.patch),
    'products.injectables.delete': async (i, { actor }) => {
      await s.injectables.remove(actor, i.product_id, i.id)
      return { deleted: true as const }
    },
    'products.setPaid': async (i, { actor }) => {
      await s.payment.set(actor, i.id, i.has_paid)
      return s.products.get(actor, i.id)
    },
  }
}
