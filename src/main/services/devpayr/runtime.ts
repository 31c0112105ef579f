import { DomainError, isDomainError } from '@shared/errors'
import type { InjectableDto } from '@shared/domains'
import { licenseEnvironment, seeMachine } from '../../db/repositories/product-domains'
import { nowIso, type ServiceContext } from '../context'
import type { DomainsService } from '../domains'
import type { EventsService } from '../events'
import type { InjectablesService } from '../injectables'
import type { LicensingService, LicenseView } from '../licensing'
import type { ProductPayment } from '../products/payment'

/** One runtime check as running software sends it: its license key and where it runs. */
export interface RuntimeRequest {
  licenseKey: string | undefined
  /** The opaque runtime identifier (`X-Devpayr-Domain`): domain, fingerprint, container id. */
  identifier: string | undefined
  ip: string | null
  userAgent: string | null
  /** Also answer the injectables the runtime may receive. */
  withInjectables: boolean
}

export interface RuntimeAnswer {
  license: LicenseView
  paid: boolean
  /** The environment the identifier runs in (its domain rule's, else the license's). */
  environment: string
  machineId: string
  injectables: InjectableDto[] | null
  /** Past expiry but within the policy's grace period: until when it still runs (else null). */
  graceUntil: string | null
}

/**
 * DevPayr's runtime check, in the order its rules demand:
 *   1. the license itself, by the licensing engine (unknown key, inactive product, blacklist,
 *      banned, suspended/revoked, expired; a new identifier on a full license): the license's
 *      state decides before, and whatever, the payment state;
 *   2. where it runs, by the product's domain rules and the license's environment
 *      (services/domains): refused as HWID_MISMATCH with a reason, recorded as a refused
 *      validation;
 *   3. a new identifier takes a slot through the engine's activation (the machine limit,
 *      race-safe, with its event); the environment it ran in is recorded on the machine;
 *   4. the payment state, and the injectables it opens.
 */
export function createDevpayrRuntime(
  ctx: ServiceContext,
  deps: {
    licensing: LicensingService
    domains: DomainsService
    injectables: InjectablesService
    payment: ProductPayment
    events: EventsService
  },
) {
  return {
    async check(req: RuntimeRequest): Promise<RuntimeAnswer> {
      const identifier = req.identifier?.trim()
      if (!identifier) {
        throw new DomainError('VALIDATION_ERROR', 'The runtime identifier is required', {
          reason: 'identifier_missing',
        })
      }
      const licenseKey = req.licenseKey?.trim()
      if (!licenseKey) {
        throw new DomainError('UNAUTHORIZED', 'A license key is required', {
          reason: 'license_key_missing',
        })
      }
      const base = {
        licenseKey,
        hwid: identifier,
        ip: req.ip,
        userAgent: req.userAgent,
        protocol: 'devpayr' as const,
      }
      // A runtime check is this protocol's heartbeat: it keeps a floating seat held (keepSeat),
      // as SellRealm's check_session does.
      const v = await deps.licensing.validate(base, { keepSeat: 'if-bound' })
      const license = v.license
      const licenseEnv = (await licenseEnvironment(ctx.db, license.id)) ?? 'production'
      let environment: string
      try {
        environment = (await deps.domains.admitted(license.product_id, licenseEnv, identifier))
          .environment
      } catch (e) {
        if (isDomainError(e)) {
          await deps.events.record({
            type: 'license_validation',
            severity: 'medium',
            productId: license.product_id,
            licenseId: license.id,
            hwid: identifier,
            ip: req.ip,
            userAgent: req.userAgent,
            blocked: true,
            details: {
              protocol: 'devpayr',
              success: false,
              error_code: e.code,
              operation: 'license_validation',
              ...e.details,
            },
          })
        }
        throw e
      }
      const activated = v.machineId ? null : await deps.licensing.activate(base)
      const machineId = v.machineId ?? activated!.machineId
      const graceUntil = activated ? activated.graceUntil : v.graceUntil
      const seen = { environment, ip: req.ip, now: nowIso(ctx) }
      // One statement: ctx.write (group commit on SQLite, autocommit on PostgreSQL).
      await ctx.write((ex) => seeMachine(ex, machineId, seen))
      const paid = await deps.payment.isPaid(license.product_id)
      const injectables = req.withInjectables
        ? await deps.injectables.deliverable(license.product_id, paid)
        : null
      return { license, paid, environment, machineId, injectables, graceUntil }
    },
  }
}

export type DevpayrRuntime = ReturnType<typeof createDevpayrRuntime>
