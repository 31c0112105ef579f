import { DomainError } from '@shared/errors'
import type { LicenseDto, ProductDto } from '@shared/dto'
import type { EnvironmentName } from '@shared/domains'
import { findLicenseByKey } from '../../db/repositories/licenses'
import { findProductByNum } from '../../db/repositories/products'
import type { Actor, ServiceContext } from '../context'
import type { LicensesService } from '../licenses'
import type { ProductsService } from '../products'
import type { ProductPayment } from '../products/payment'

export interface ProjectInput {
  name: string
  description?: string
  is_active?: boolean
  has_paid?: boolean
}

export interface DevpayrLicenseInput {
  title?: string | null
  /** How many runtime identifiers (domains, devices) the license may run on: its machine limit. */
  max_domains?: number
  expires_at?: string | null
  environment?: EnvironmentName
}

/**
 * DevPayr's backend operations over the one model: a project is a product (with its payment
 * state), a license is a license (its machine limit is `max_domains`, every runtime identifier
 * a machine slot), revoke and reactivate are the lifecycle's suspend and resume.
 */
export function createDevpayrBackend(
  ctx: ServiceContext,
  deps: { products: ProductsService; licenses: LicensesService; payment: ProductPayment },
) {
  /** A project by its id or its integer number, as the actor may see it. */
  async function project(actor: Actor, ref: string): Promise<ProductDto> {
    let id = ref
    if (/^\d{1,15}$/.test(ref)) {
      const p = await findProductByNum(ctx.db, Number(ref))
      if (!p) throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
      id = p.id
    }
    return deps.products.get(actor, id)
  }

  /** A license of the project, by its id or its key. */
  async function license(actor: Actor, projectId: string, ref: string): Promise<LicenseDto> {
    const byKey = await findLicenseByKey(ctx.db, ref)
    const l = await deps.licenses.get(actor, byKey?.id ?? ref).catch(() => null)
    if (!l || l.product_id !== projectId) {
      throw new DomainError('LICENSE_NOT_FOUND', 'License not found')
    }
    return l
  }

  return {
    project,
    license,

    async createProject(actor: Actor, input: ProjectInput): Promise<ProductDto> {
      const p = await deps.products.create(actor, {
        name: input.name,
        description: input.description,
        is_active: input.is_active,
      })
      if (input.has_paid) await deps.payment.set(actor, p.id, true)
      return deps.products.get(actor, p.id)
    },

    async updateProject(
      actor: Actor,
      ref: string,
      input: Partial<ProjectInput>,
    ): Promise<ProductDto> {
      const p = await project(actor, ref)
      const { has_paid, ...rest } = input
      if (Object.values(rest).some((v) => v !== undefined)) {
        await deps.products.update(actor, p.id, rest)
      }
      if (has_paid !== undefined) await deps.payment.set(actor, p.id, has_paid)
      return deps.products.get(actor, p.id)
    },

    async createLicense(
      actor: Actor,
      projectRef: string,
      input: DevpayrLicenseInput,
    ): Promise<LicenseDto> {
      const p = await project(actor, projectRef)
      const l = await deps.licenses.create(
        actor,
        {
          product_id: p.id,
          // Every identifier holds its slot until released: a domain limit, not a floating seat.
          hwid_locked: true,
          ...(input.max_domains !== undefined && { max_uses: input.max_domains }),
          ...(input.expires_at !== undefined && { expires_at: input.expires_at }),
          ...(input.expires_at === null && { type: 'lifetime' as const }),
        },
        // Written in the same INSERT as the license: no license without its title/environment.
        { title: input.title, environment: input.environment },
      )
      return deps.licenses.get(actor, l.id)
    },

    /** Revoked: the lifecycle's suspension (every runtime refused, sessions ended). */
    async revoke(actor: Actor, projectId: string, ref: string): Promise<LicenseDto> {
      const l = await license(actor, projectId, ref)
      if (l.status !== 'suspended') {
        await deps.licenses.transition(actor, l.id, { kind: 'suspend', reason: 'Revoked' })
      }
      return deps.licenses.get(actor, l.id)
    },

    /** Reactivated: a revoked (suspended) or banned license works again. */
    async reactivate(actor: Actor, projectId: string, ref: string): Promise<LicenseDto> {
      const l = await license(actor, projectId, ref)
      if (l.status === 'suspended') await deps.licenses.transition(actor, l.id, { kind: 'resume' })
      else if (l.status === 'banned') await deps.licenses.transition(actor, l.id, { kind: 'unban' })
      return deps.licenses.get(actor, l.id)
    },
  }
}

export type DevpayrBackend = ReturnType<typeof createDevpayrBackend>
