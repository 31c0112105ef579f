import type { ServiceContext } from '../context'
import type { DomainsService } from '../domains'
import type { EventsService } from '../events'
import type { InjectablesService } from '../injectables'
import type { LicensesService } from '../licenses'
import type { LicensingService } from '../licensing'
import type { ProductsService } from '../products'
import type { ProductPayment } from '../products/payment'
import { createDevpayrBackend } from './backend'
import { createDevpayrRuntime } from './runtime'

export type { RuntimeAnswer, RuntimeRequest } from './runtime'
export type { DevpayrLicenseInput, ProjectInput } from './backend'

/**
 * DevPayr over Keywarden's one model (issue 14): the runtime check (license, then domain and
 * environment, then payment) and the backend operations on projects and licenses. Domains,
 * injectables and payment state are the generic services it is given.
 */
export function createDevpayrService(
  ctx: ServiceContext,
  deps: {
    events: EventsService
    products: ProductsService
    licenses: LicensesService
    licensing: LicensingService
    domains: DomainsService
    injectables: InjectablesService
    payment: ProductPayment
  },
) {
  return {
    runtime: createDevpayrRuntime(ctx, deps),
    backend: createDevpayrBackend(ctx, deps),
  }
}

export type DevpayrService = ReturnType<typeof createDevpayrService>
