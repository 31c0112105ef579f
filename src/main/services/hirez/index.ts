import type { ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ProductsService } from '../products'
import type { LicensesService } from '../licenses'
import type { LicenseMachineOps } from '../licenses/machines'
import { createHirezCredentials } from './credentials'
import { createHirezAccess } from './access'
import { createHirezReseller } from './reseller'

export type { HirezAuth, SignedCall, HirezRefusal } from './access'
export { HIREZ_REFUSALS } from './access'

/**
 * The Hi-Rez-style developer API's services: credentials (console and management API), the
 * gate and sessions of signed calls, and the reseller methods over the license services.
 */
export function createHirezService(
  ctx: ServiceContext,
  deps: {
    events: EventsService
    products: ProductsService
    licenses: LicensesService
    licenseMachines: LicenseMachineOps
  },
) {
  return {
    credentials: createHirezCredentials(ctx, deps),
    access: createHirezAccess(ctx, deps),
    reseller: createHirezReseller(ctx, deps),
  }
}

export type HirezService = ReturnType<typeof createHirezService>
