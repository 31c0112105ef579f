import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'

/**
 * The console's Content-Security-Policy, the same one src/renderer/index.html declares in its
 * meta tag (a test keeps the two equal): sent as a header it also covers what a meta tag
 * cannot (frame-ancestors) and every JSON answer.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/**
 * The routes shipped apps call (LicenseCM's client API, SellRealm v0 and v1): JSON for
 * programs, never a page a browser renders, so browser headers protect nothing there, and
 * computing them cost a fifth of validate's throughput (`npm run bench`: 0.51x -> 0.66x).
 */
const APP_FACING = /^\/api\/(client|v0|v1)(\/|$)/

/**
 * Security headers (@fastify/helmet) on what browsers load and send: the web console, the
 * management API, health and unknown routes (headers only; no body or status changes). The
 * app-facing protocol routes above go without them. Two of helmet's defaults are off because this server speaks plain HTTP
 * itself: `upgrade-insecure-requests` would send a LAN browser to an https:// that does not
 * exist, and HSTS belongs to the TLS proxy in front, when there is one.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  // Before helmet's own onRoute hook, which reads `helmet: false` as "skip this route".
  app.addHook('onRoute', (route) => {
    if (APP_FACING.test(route.url)) route.helmet = false
  })
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: parseCsp(CONTENT_SECURITY_POLICY) },
    hsts: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  })
}

function parseCsp(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/)
      return [name, values]
    }),
  )
}
