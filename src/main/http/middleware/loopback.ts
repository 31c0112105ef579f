import type { FastifyRequest } from 'fastify'
import { DomainError } from '@shared/errors'
import type { Services } from '../../services'
import { isLoopback } from '../protocols/licensecm/context'

/** Paths any network peer may reach: what shipped apps call, and liveness. */
const CLIENT_SURFACE = /^\/api\/(client(\/|$|\?)|health($|\?))/

/**
 * The management API answers only on loopback unless an admin opened it to the network
 * (setting `management_remote_access`). The client API stays reachable from the LAN, so a
 * vendor can expose the server to shipped apps without exposing its administration.
 */
export function managementOnLoopback(services: Services) {
  return async (req: FastifyRequest): Promise<void> => {
    if (CLIENT_SURFACE.test(req.url) || isLoopback(req)) return
    if ((await services.settings.get()).management_remote_access) return
    throw new DomainError(
      'FORBIDDEN',
      'The management API answers only on this machine; an admin can open it to the network in Settings',
    )
  }
}
