import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../../services'
import { failure } from './reply'
import { managementDoor } from '../../middleware/management-door'

/** Paths any network peer may reach: what shipped apps call, and liveness. */
const CLIENT_SURFACE = /^\/api\/(client(\/|$|\?)|health($|\?))/

/**
 * The management API's door (see middleware/management-door.ts, shared with the console): right Host and Origin, only on this
 * machine unless an admin opened it to the network (`management_remote_access`), JSON
 * bodies. The client API stays reachable from the LAN, so a vendor can expose the server to
 * shipped apps without exposing its administration. Refusals in the LicenseCM envelope.
 */
export function managementOnLoopback(services: Services) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (CLIENT_SURFACE.test(req.url)) return
    const refusal = await managementDoor(req, services)
    if (refusal) await reply.status(refusal.status).send(failure(refusal.code, refusal.message))
  }
}
