import type { FastifyRequest } from 'fastify'
import type { ErrorCode } from '@shared/errors'
import type { Services } from '../../services'

/** A refusal at the door: each surface sends it in its own error shape. */
export interface DoorRefusal {
  status: number
  code: ErrorCode
  message: string
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length']
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined
}

/** The Origin header's host[:port], or null when it is not a URL (`null`, garbage). */
function originHost(origin: string): string | null {
  try {
    const u = new URL(origin)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : null
  } catch {
    return null
  }
}

/**
 * THE rule for the management API (/api except the client API and health) and the web
 * console, read from the request-origin model:
 * - the Host header names this server (its own names and addresses, or `allowed_hosts`):
 *   a page on another site that rebinds its DNS name to this machine is refused;
 * - an Origin header, when sent, is this same host: a cross-site page cannot drive it;
 * - only this machine (as the origin model decides) unless `management_remote_access`;
 * - state-changing requests with a body send JSON (no form posts, which any page can make).
 */
export async function managementDoor(
  req: FastifyRequest,
  services: Services,
): Promise<DoorRefusal | null> {
  const o = req.origin
  if (!o.hostKnown) {
    return {
      status: 403,
      code: 'FORBIDDEN',
      message: `Host "${o.host}" is not one of this server's names; an admin can add it to allowed_hosts`,
    }
  }
  const origin = req.headers.origin
  if (origin !== undefined) {
    const host = (req.headers.host ?? '').trim().toLowerCase()
    if (originHost(origin) !== host) {
      return {
        status: 403,
        code: 'FORBIDDEN',
        message: 'Cross-origin request refused: Origin must be this server (same as Host)',
      }
    }
  }
  if (!o.isLocal && !(await services.settings.get()).management_remote_access) {
    return {
      status: 403,
      code: 'FORBIDDEN',
      message:
        'The management API and console answer only on this machine; an admin can open them to the network in Settings',
    }
  }
  if (STATE_CHANGING.has(req.method)) {
    const type = req.headers['content-type']
    const mime = type?.split(';')[0].trim().toLowerCase()
    if ((type !== undefined || hasBody(req)) && mime !== 'application/json') {
      return {
        status: 415,
        code: 'VALIDATION_ERROR',
        message: 'Unsupported Content-Type: send application/json',
      }
    }
  }
  return null
}
