import { CONSOLE } from '../../../src/main/services/context'
import { seed } from '../../../test/helpers/licensecm-client'
import { firstAdmin } from '../../../test/helpers/mgmt'
import { startTestServer, type TestServer } from '../../../test/helpers/server'
import { KeywardenClient, type KeywardenClientOptions } from '../src/index.js'

/**
 * A real Keywarden on port 0 for the SDK's tests, and the two public keys an app would pin
 * (read here once from the server's own status, as a vendor copies them off the server card).
 */
export async function sdkServer(opts: { clock?: () => Date } = {}) {
  const srv = await startTestServer(opts)
  await srv.runtime.services.licensing.attestor.ready()
  await srv.runtime.services.security.updateSettings(CONSOLE, {
    brute_force: { max_failures: 10_000 },
  })
  const status = srv.runtime.status()
  const pins = { rsa: status.public_key!, ed25519: status.ed25519_public_key! }
  const admin = (await firstAdmin(srv)).token
  return {
    srv,
    pins,
    admin,
    seed: (license?: Parameters<typeof seed>[1], policy?: Parameters<typeof seed>[2]) =>
      seed(srv, license, policy),
    client(productId: string, o: Partial<KeywardenClientOptions> = {}) {
      return new KeywardenClient({ baseUrl: srv.url, productId, publicKeys: pins, ...o })
    },
  }
}

export type SdkServer = Awaited<ReturnType<typeof sdkServer>>
export type { TestServer }
