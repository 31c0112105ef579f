// Before the clock starts: what the scenarios need from the running server (a management JWT,
// sessions to heartbeat, SellRealm session chains), made through the same public endpoints a
// vendor and their apps use. A scenario whose endpoint is not there (yet) is reported as
// skipped with the reason, never faked.
import { call, consoleClient, pool } from './lib/http.mjs'
import { customerEmail } from './seed.mjs'

/** True when the server answered with its catch-all 404 (the route is not registered). */
function routeMissing(r) {
  return (
    r.status === 404 &&
    (r.body?.error_code === 'NOT_FOUND' || r.body?.message === 'Route not found')
  )
}

export async function setupFixtures({ url, refUrl, seeded, consoleApi, config, log, setupToken }) {
  const products = seeded.products
  const pools = seeded.pools
  const missing = {}
  const fx = {
    url,
    refUrl,
    products,
    pools,
    missing,
    sessions: [],
    sellrealm: null,
    jwt: null,
    searchQueries: [],
  }

  // Client API present?
  const v = pools.validate[0]
  const probe = await call(`${url}/api/client/validate`, {
    json: { license_key: v.key, hwid: v.hwid, product_id: products[v.product].id },
  })
  if (routeMissing(probe)) {
    for (const n of [
      'validate',
      'validate_2000',
      'validate_cold',
      'validate_encrypted',
      'heartbeat',
      'activate',
      'mixed',
    ]) {
      missing[n] = 'POST /api/client/validate is not implemented yet'
    }
  } else if (probe.status !== 200) {
    log(`validate probe answered ${probe.status}: ${JSON.stringify(probe.body).slice(0, 300)}`)
  }

  // Sessions to heartbeat: one activation per license of the session pool.
  if (!missing.activate) {
    const want = pools.session.slice(0, config.sessions)
    const made = await pool(want, 16, async (l) => {
      const r = await call(`${url}/api/client/activate`, {
        json: { license_key: l.key, hwid: l.hwid, product_id: products[l.product].id },
      })
      const token = r.body?.data?.session?.token
      if (r.status !== 200 || !token)
        return { error: `${r.status} ${JSON.stringify(r.body).slice(0, 200)}` }
      return { key: l.key, hwid: l.hwid, product: l.product, token }
    })
    fx.sessions = made.filter((s) => !s.error)
    log(`setup: ${fx.sessions.length}/${want.length} sessions opened for heartbeats`)
    if (fx.sessions.length < config.connections * 2) {
      missing.heartbeat = `could not open sessions: ${made.find((s) => s.error)?.error}`
      missing.mixed = missing.heartbeat
    }
  }

  // Floating seats to heartbeat (issue #16): one more machine activated on each license of the
  // floating pool; culling frees the seeded, silent seats beside them during the run.
  fx.floatingSessions = []
  if (!missing.activate && pools.floating?.length) {
    const { made, want } = await takeFloatingSeats({ url, pools, products, config })
    fx.floatingSessions = made.filter((s) => !s.error)
    log(`setup: ${fx.floatingSessions.length}/${want.length} floating seats taken for heartbeats`)
    if (fx.floatingSessions.length < config.connections * 2)
      missing.heartbeat_floating = `could not take floating seats: ${made.find((s) => s.error)?.error}`
  } else if (!pools.floating?.length) missing.heartbeat_floating = 'no floating seats seeded'

  // SellRealm chains log in with the installation's auth_secret (the seeded products belong to
  // the installation): read it while the setup token's console session is the installation,
  // that is, before the first account exists.
  let authSecret = null
  for (const ch of ['account.secrets']) {
    try {
      authSecret = (await consoleApi.rpc(ch, {}))?.auth_secret ?? null
      if (authSecret) break
    } catch {
      /* try the next name */
    }
  }
  // Management API token: the first account, registered with the setup token. The token
  // logs no one in after that: the console is then the bench account's (an admin sees all).
  const bench = { email: 'bench@example.com', password: 'bench-password-123' }
  const reg = await call(`${url}/api/auth/register`, {
    json: { ...bench, display_name: 'Bench' },
    headers: { 'x-setup-token': setupToken },
  })
  fx.jwt = reg.body?.data?.token ?? null
  fx.consoleApi = fx.jwt ? await consoleClient(url, bench) : consoleApi
  if (!fx.jwt) missing.search = `could not register the first account: ${reg.status}`
  else {
    const probeSearch = await call(`${url}/api/licenses?limit=1`, {
      headers: { authorization: `Bearer ${fx.jwt}` },
    })
    if (routeMissing(probeSearch)) missing.search = 'GET /api/licenses is not implemented yet'
  }
  // Key prefixes (6 and 9 characters, as typed into a search box) and customer emails.
  for (let i = 0; i < 200; i++) {
    const l = pools.validate[(i * 37) % pools.validate.length]
    if (i % 3 === 0) fx.searchQueries.push(l.key.slice(0, 6))
    else if (i % 3 === 1) fx.searchQueries.push(l.key.slice(0, 9))
    else
      fx.searchQueries.push(
        // The part of a customer's email before the domain, as a vendor would type it.
        customerEmail((i * 101) % seeded.customers).split('@')[0] + '@',
      )
  }

  if (!authSecret)
    missing.sellrealm_check_session = 'no console channel returns the installation auth_secret yet'
  else {
    const want = pools.sellrealm.slice(0, config.sessions)
    const made = await pool(want, 16, async (l) => {
      const r = await call(`${url}/api/v0/`, {
        form: {
          key: l.key,
          auth_secret: authSecret,
          hwid: l.hwid,
          product_id: String(products[l.product].num),
        },
      })
      if (routeMissing(r)) return { error: 'POST /api/v0/ is not implemented yet' }
      if (r.body?.status !== 'success')
        return { error: `${r.status} ${JSON.stringify(r.body).slice(0, 200)}` }
      return {
        session_id: r.body.session_id,
        nonce: r.body.nonce,
        product_num: products[l.product].num,
      }
    })
    const chains = made.filter((c) => !c.error)
    log(`setup: ${chains.length}/${want.length} SellRealm sessions opened`)
    if (chains.length < config.connections * 2) {
      missing.sellrealm_check_session = made.find((c) => c.error)?.error ?? 'no sessions'
    } else fx.sellrealm = { auth_secret: authSecret, chains }
  }
  return fx
}

/**
 * Activates the floating machines that heartbeat_floating beats (one session each). Also run
 * again just before that scenario: seats taken at setup die after the product's 60 s heartbeat
 * window, and on a busy machine (or with the minute-aligned scenarios' waits) the scenario
 * starts later than that.
 */
export async function takeFloatingSeats({ url, pools, products, config }) {
  const want = pools.floating.slice(0, config.sessions)
  const made = await pool(want, 16, async (l) => {
    const r = await call(`${url}/api/client/activate`, {
      json: { license_key: l.key, hwid: l.hwid, product_id: products[l.product].id },
    })
    const token = r.body?.data?.session?.token
    if (r.status !== 200 || !token)
      return { error: `${r.status} ${JSON.stringify(r.body).slice(0, 200)}` }
    return { key: l.key, hwid: l.hwid, product: l.product, token }
  })
  return { made, want }
}
