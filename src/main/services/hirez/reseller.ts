import { DomainError } from '@shared/errors'
import type { LicenseDto } from '@shared/dto'
import type { MachineDto } from '@shared/channels/console-licenses'
import { findLicenseByKey } from '../../db/repositories/licenses'
import { findProductByNum } from '../../db/repositories/products'
import * as repo from '../../db/repositories/hirez'
import type { ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ProductsService } from '../products'
import type { LicensesService } from '../licenses'
import type { LicenseMachineOps } from '../licenses/machines'
import { refuse, type HirezAuth } from './access'

/** Licenses one createlicenses call may mint. */
export const MAX_CREATE_PER_CALL = 100

/**
 * The reseller methods: the same license services and lifecycle every other surface uses
 * (one rule set), as the credential's account, narrowed to the credential's products. A
 * license or product outside them reads exactly like one that does not exist.
 */
export function createHirezReseller(
  ctx: ServiceContext,
  deps: {
    events: EventsService
    products: ProductsService
    licenses: LicensesService
    licenseMachines: LicenseMachineOps
  },
) {
  const inScope = (auth: HirezAuth, productId: string) =>
    auth.productIds.length === 0 || auth.productIds.includes(productId)

  async function licenseOf(auth: HirezAuth, key: string): Promise<LicenseDto> {
    const row = key.length <= 128 ? await findLicenseByKey(ctx.db, key.trim()) : undefined
    if (!row || !inScope(auth, row.product_id)) {
      throw new DomainError('LICENSE_NOT_FOUND', 'License not found')
    }
    return deps.licenses.get(auth.actor, row.id)
  }

  /** A product by its id or its integer number, if the credential may touch it. */
  async function productOf(auth: HirezAuth, ref: string): Promise<string> {
    const id = /^\d{1,9}$/.test(ref) ? (await findProductByNum(ctx.db, Number(ref)))?.id : ref
    if (!id || !inScope(auth, id)) throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
    return (await deps.products.load(auth.actor, id)).id
  }

  const origin = (auth: HirezAuth, method: string, ip?: string) => ({
    ip: ip ?? null,
    details: { protocol: 'hirez', dev_id: auth.devId, method },
  })

  async function note(auth: HirezAuth, type: string, l: LicenseDto, method: string, ip?: string) {
    await deps.events.record({
      type,
      productId: l.product_id,
      licenseId: l.id,
      ...origin(auth, method, ip),
    })
  }

  return {
    async getLicense(auth: HirezAuth, key: string, ip?: string): Promise<LicenseDto> {
      const l = await licenseOf(auth, key)
      await note(auth, 'hirez.license_read', l, 'getlicense', ip)
      return l
    },

    /**
     * Mints `count` licenses of a product with its defaults, taken from the credential's
     * allotment first (one conditional update, so two nodes cannot both spend the last ones)
     * and given back if the licenses could not be created.
     */
    async createLicenses(
      auth: HirezAuth,
      productRef: string,
      countText: string,
      ip?: string,
    ): Promise<LicenseDto[]> {
      const productId = await productOf(auth, productRef)
      const count = /^\d{1,4}$/.test(countText) ? Number(countText) : NaN
      if (!(count >= 1 && count <= MAX_CREATE_PER_CALL)) {
        throw new DomainError(
          'VALIDATION_ERROR',
          `count must be a whole number from 1 to ${MAX_CREATE_PER_CALL}`,
        )
      }
      if (!(await repo.reserveAllotment(ctx.db, auth.devId, count))) {
        const d = await repo.findDeveloper(ctx.db, auth.devId)
        const left = d ? Math.max(0, d.license_allotment - d.licenses_created) : 0
        throw refuse('allotment_exhausted', 'License allotment exhausted', { left, count })
      }
      let created: LicenseDto[]
      try {
        created = (await deps.licenses.bulkCreate(auth.actor, { product_id: productId, count }))
          .licenses
      } catch (e) {
        await repo.releaseAllotment(ctx.db, auth.devId, count)
        throw e
      }
      await deps.events.record({
        type: 'hirez.licenses_created',
        productId,
        ...origin(auth, 'createlicenses', ip),
        details: { ...origin(auth, 'createlicenses').details, count },
      })
      return created
    },

    /** Bans the key for good and ends its sessions (the lifecycle's ban). */
    async banLicense(auth: HirezAuth, key: string, ip?: string) {
      const l = await licenseOf(auth, key)
      const reason = `Banned by Hi-Rez developer ${auth.devId}`
      const r = await deps.licenses.transition(
        auth.actor,
        l.id,
        { kind: 'ban', reason },
        origin(auth, 'banlicense', ip),
      )
      return {
        license: await deps.licenses.get(auth.actor, l.id),
        sessions_revoked: r.sessions_revoked,
      }
    },

    /** Frees every machine binding and ends the key's sessions (the lifecycle's reset). */
    async resetHwid(auth: HirezAuth, key: string, ip?: string) {
      const l = await licenseOf(auth, key)
      const r = await deps.licenses.transition(
        auth.actor,
        l.id,
        { kind: 'reset_hwid' },
        origin(auth, 'resethwid', ip),
      )
      return {
        license: l,
        machines_released: r.machines_released,
        sessions_revoked: r.sessions_revoked,
      }
    },

    async machines(auth: HirezAuth, key: string, ip?: string): Promise<MachineDto[]> {
      const l = await licenseOf(auth, key)
      const list = await deps.licenseMachines.list(auth.actor, l.id)
      await note(auth, 'hirez.machines_read', l, 'getlicensemachines', ip)
      return list
    },
  }
}

export type HirezReseller = ReturnType<typeof createHirezReseller>
