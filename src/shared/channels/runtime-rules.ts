import { z } from 'zod'
import type { ProductDto } from '../dto'
import {
  domainInputSchema,
  domainPatchSchema,
  injectableInputSchema,
  injectablePatchSchema,
  type InjectableDto,
  type ProductDomainDto,
} from '../domains'
import { channel } from './channel'

const productId = z.string().min(1)
const inProduct = z.object({ product_id: productId })
const oneOf = inProduct.extend({ id: z.string().min(1) })

/**
 * A product's runtime rules in the console (issue 14): where its licenses may run (domains and
 * environments), what running software receives (injectables, shown in their stored,
 * encrypted form only) and the product's payment state.
 */
export const runtimeRuleChannels = {
  'products.domains.list': channel(inProduct).for('user').returns<ProductDomainDto[]>(),
  'products.domains.create': channel(inProduct.extend({ domain: domainInputSchema }))
    .for('user')
    .returns<ProductDomainDto>(),
  'products.domains.update': channel(oneOf.extend({ patch: domainPatchSchema }))
    .for('user')
    .returns<ProductDomainDto>(),
  'products.domains.delete': channel(oneOf).for('user').returns<{ deleted: true }>(),

  'products.injectables.list': channel(inProduct).for('user').returns<InjectableDto[]>(),
  'products.injectables.create': channel(inProduct.extend({ injectable: injectableInputSchema }))
    .for('user')
    .returns<InjectableDto>(),
  'products.injectables.update': channel(oneOf.extend({ patch: injectablePatchSchema }))
    .for('user')
    .returns<InjectableDto>(),
  'products.injectables.delete': channel(oneOf).for('user').returns<{ deleted: true }>(),

  /** DevPayr's `has_paid`: a product starts unpaid; a paid store order also sets it. */
  'products.setPaid': channel(z.object({ id: productId, has_paid: z.boolean() }))
    .for('user')
    .returns<ProductDto>(),
} as const
