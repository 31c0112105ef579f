// What each scenario sends. Runs inside the load generator process (bench/load.mjs).
//
// Requests that must differ every time (encrypted envelopes, which replay protection rejects
// when re-sent; activations of new machines; nonce and token chains) use autocannon's
// per-request `setupRequest`. autocannon resets a connection's `context` before each request,
// so a chain's state lives in a pool: a request takes a chain, its response puts the chain
// back with the nonce/token the server rotated. With pipelining 1 a chain is never in flight
// twice, so every request is built from the previous response of the same chain.
import { importSource } from './lib/ts-import.mjs'

const JSON_HEADERS = { 'content-type': 'application/json' }

let envelopeLib
async function envelope() {
  envelopeLib ??= await importSource('src/main/crypto/envelope.ts')
  return envelopeLib
}

// Chains live as long as the load generator: a later scenario (mixed after heartbeat)
// continues each session from the token/nonce its last response rotated to.
const chainPools = new Map()

/** A pool of chains (sessions) handed out to requests one at a time, kept per `name`. */
function chainPool(name, items) {
  if (chainPools.has(name)) return chainPools.get(name)
  const free = items.slice()
  const p = {
    take: () => free.pop(),
    give: (c) => free.push(c),
    /** Takes every free chain (a wrk run carries them, and gives back the ones it kept). */
    drain: () => free.splice(0),
    get size() {
      return free.length
    },
  }
  chainPools.set(name, p)
  return p
}

function tryJson(body) {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/**
 * Marks autocannon `requests` as also runnable by wrk (bench/lib/wrk.mjs): `spec` names the
 * wrk script and what it sends (`lines`: bodies in turn; `chains`: a chain pool it carries).
 */
function withWrk(spec, requests) {
  return Object.assign(requests, { wrk: spec })
}

/**
 * Builds the autocannon `url` and `requests` of one scenario from the run's fixtures
 * (`requests.wrk`: the same load for wrk, where a script can send it).
 */
export async function buildScenario(name, fx, opts = {}) {
  const products = fx.products
  const failures = []
  const noteFailure = (status, body) => {
    if (failures.length < 3) failures.push({ status, body: String(body).slice(0, 300) })
  }

  const validateBody = (l) =>
    JSON.stringify({ license_key: l.key, hwid: l.hwid, product_id: products[l.product].id })

  // The validate working set: `hot` installed apps validating again and again (the signed
  // answer of a license+machine is the same within its minute, so the server may reuse its
  // signature), or — for validate_cold — the rest of the pool, so that nearly every answer
  // is new.
  const hot = fx.pools.validate.slice(0, fx.hotSet ?? 1_000)
  // One counter shared by every connection: consecutive requests name different licenses
  // (a static request list would have all connections walk the same keys in lockstep).
  // Bodies are serialised before the clock starts.
  const validateStream = (path, set = hot) => {
    const bodies = set.map(validateBody)
    let n = 0
    return withWrk({ script: 'stream.lua', path, lines: bodies }, [
      {
        method: 'POST',
        path,
        headers: JSON_HEADERS,
        setupRequest: (req) => {
          req.body = bodies[n++ % bodies.length]
          return req
        },
        onResponse: (status, body) => status !== 200 && noteFailure(status, body),
      },
    ])
  }

  let act = 0
  const activateRequest = () => ({
    method: 'POST',
    path: '/api/client/activate',
    headers: JSON_HEADERS,
    onResponse: (status, body) => status !== 200 && noteFailure(status, body),
    setupRequest: (req) => {
      const l = fx.pools.activate[act % fx.pools.activate.length]
      req.body = JSON.stringify({
        license_key: l.key,
        hwid: `bench-new-${fx.runId}-${act++}`,
        product_id: products[l.product].id,
        client_data: {
          platform: 'win32',
          os_version: '10.0.19045',
          vm_indicators: [],
          debug_indicators: [],
        },
      })
      return req
    },
  })

  const heartbeatRequest = (poolName = 'heartbeat', sessions = fx.sessions) => {
    const heartbeats = chainPool(poolName, sessions ?? [])
    return heartbeatOf(heartbeats)
  }
  const heartbeatOf = (heartbeats) => ({
    method: 'POST',
    path: '/api/client/heartbeat',
    headers: JSON_HEADERS,
    setupRequest: (req, ctx) => {
      const s = heartbeats.take()
      if (!s) throw new Error('heartbeat pool exhausted: more connections than sessions')
      ctx.session = s
      req.body = JSON.stringify({
        license_key: s.key,
        hwid: s.hwid,
        product_id: products[s.product].id,
        session_token: s.token,
      })
      return req
    },
    onResponse: (status, body, ctx) => {
      const s = ctx.session
      if (!s) return
      const data = tryJson(body)?.data
      if (status === 200 && data?.new_token) s.token = data.new_token
      if (status !== 200) noteFailure(status, body)
      ctx.session = undefined
      heartbeats.give(s)
    },
  })

  switch (name) {
    case 'reference':
      return { url: fx.refUrl, failures, requests: validateStream('/validate') }

    case 'validate':
    case 'validate_2000':
    case 'validate_2000_minute':
      return { url: fx.url, failures, requests: validateStream('/api/client/validate') }

    case 'validate_cold':
      return {
        url: fx.url,
        failures,
        requests: validateStream('/api/client/validate', fx.pools.validate.slice(hot.length)),
      }

    case 'validate_encrypted': {
      const { sealEnvelope, envelopeSignature } = await envelope()
      // Pre-built unique envelopes, so the client's AES/HMAC work happens before the clock
      // starts; if the server outruns the estimate, more are sealed on the fly.
      const seal = (i) => {
        const l = hot[i % hot.length]
        const p = products[l.product]
        const e = sealEnvelope(p.secret_key, validateBody(l))
        const timestamp = Date.now()
        return JSON.stringify({
          encrypted: true,
          ...e,
          signature: envelopeSignature(p.secret_key, e, timestamp),
          product_id: p.id,
          timestamp,
        })
      }
      const prebuilt = Array.from({ length: opts.prebuild ?? 20_000 }, (_, i) => seal(i))
      let i = 0
      return {
        url: fx.url,
        failures,
        requests: withWrk(
          { script: 'stream.lua', path: '/api/client/validate', lines: prebuilt, unique: true },
          [
            {
              method: 'POST',
              path: '/api/client/validate',
              headers: JSON_HEADERS,
              setupRequest: (req) => {
                req.body = i < prebuilt.length ? prebuilt[i] : seal(i)
                i++
                return req
              },
              onResponse: (status, body) => status !== 200 && noteFailure(status, body),
            },
          ],
        ),
        summary: () => ({ envelopes_built_live: Math.max(0, i - prebuilt.length) }),
      }
    }

    case 'heartbeat':
      return {
        url: fx.url,
        failures,
        requests: withWrk(
          {
            script: 'heartbeat.lua',
            path: '/api/client/heartbeat',
            chains: chainPool('heartbeat', fx.sessions ?? []),
          },
          [heartbeatRequest()],
        ),
      }

    // Heartbeats of floating seats while culling frees the silent ones beside them (issue #16).
    case 'heartbeat_floating':
      return {
        url: fx.url,
        failures,
        requests: [heartbeatRequest('heartbeat_floating', fx.floatingSessions)],
      }

    case 'activate':
      return { url: fx.url, failures, requests: [activateRequest()] }

    case 'sellrealm_check_session': {
      const chains = chainPool('sellrealm', fx.sellrealm?.chains ?? [])
      return {
        url: fx.url,
        failures,
        requests: [
          {
            method: 'POST',
            path: '/api/v0/',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            setupRequest: (req, ctx) => {
              const c = chains.take()
              if (!c) throw new Error('sellrealm pool exhausted: more connections than sessions')
              ctx.chain = c
              req.body = new URLSearchParams({
                type: 'check_session',
                session_id: c.session_id,
                nonce: c.nonce,
                auth_secret: fx.sellrealm.auth_secret,
                product_id: String(c.product_num),
              }).toString()
              return req
            },
            onResponse: (status, body, ctx) => {
              const c = ctx.chain
              if (!c) return
              const r = tryJson(body)
              if (status === 200 && r?.status === 'success' && r.nonce) c.nonce = r.nonce
              else noteFailure(status, body)
              ctx.chain = undefined
              chains.give(c)
            },
          },
        ],
      }
    }

    case 'search':
      return {
        url: fx.url,
        failures,
        requests: fx.searchQueries.map((q) => ({
          method: 'GET',
          path: `/api/licenses?q=${encodeURIComponent(q)}&limit=20`,
          headers: { authorization: `Bearer ${fx.jwt}` },
          onResponse: (status, body) => status !== 200 && noteFailure(status, body),
        })),
      }

    case 'mixed': {
      // 90% validate, 8% heartbeat, 2% activate, drawn per request.
      const hb = heartbeatRequest()
      const ac = activateRequest()
      let v = 0
      return {
        url: fx.url,
        failures,
        requests: [
          {
            method: 'POST',
            path: '/api/client/validate',
            headers: JSON_HEADERS,
            setupRequest: (req, ctx) => {
              const r = Math.random()
              if (r < 0.02) {
                ctx.kind = 'activate'
                return ac.setupRequest({ ...req, path: ac.path })
              }
              if (r < 0.1) {
                ctx.kind = 'heartbeat'
                return hb.setupRequest({ ...req, path: hb.path }, ctx)
              }
              ctx.kind = 'validate'
              const l = hot[v++ % hot.length]
              req.body = validateBody(l)
              return req
            },
            onResponse: (status, body, ctx) => {
              if (ctx.kind === 'heartbeat') return hb.onResponse(status, body, ctx)
              if (status !== 200) noteFailure(status, body)
            },
          },
        ],
      }
    }

    default:
      throw new Error(`unknown scenario ${name}`)
  }
}
