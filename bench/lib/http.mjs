// Small HTTP helpers for the orchestrator's setup steps and probes (not the measured load).

/** POST/GET JSON (or a form when `form` is given); returns { status, body }. */
export async function call(url, { method, json, form, headers = {} } = {}) {
  const init = { method: method ?? (json || form ? 'POST' : 'GET'), headers: { ...headers } }
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(json)
  } else if (form !== undefined) {
    init.headers['content-type'] = 'application/x-www-form-urlencoded'
    init.body = new URLSearchParams(form).toString()
  }
  const res = await fetch(url, init)
  const text = await res.text()
  let body = text
  try {
    body = JSON.parse(text)
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers }
}

/**
 * A logged-in headless console: `rpc(channel, input)` returns the data. `as` is the setup
 * token (only while no account exists) or an account's `{ email, password }`.
 */
export async function consoleClient(base, as) {
  const login = await call(`${base}/console/login`, {
    json: typeof as === 'string' ? { token: as } : as,
  })
  if (login.status !== 200)
    throw new Error(`console login failed: ${login.status} ${JSON.stringify(login.body)}`)
  const cookie = login.headers.get('set-cookie').split(';')[0]
  const csrf = login.body.data.csrf
  const headers = { cookie, 'x-csrf-token': csrf }
  return {
    async rpc(channel, input) {
      const r = await call(`${base}/console/rpc/${channel}`, { json: input ?? {}, headers })
      if (r.status !== 200 || !r.body.ok) {
        throw new Error(`console ${channel}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`)
      }
      return r.body.data
    },
    /** One call's wall time in ms (the answer is read in full). */
    async time(channel, input) {
      const t = performance.now()
      const r = await call(`${base}/console/rpc/${channel}`, { json: input ?? {}, headers })
      if (r.status !== 200) throw new Error(`console ${channel}: ${r.status}`)
      return performance.now() - t
    },
  }
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values, p) {
  if (values.length === 0) return null
  const s = values.slice().sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

/** Runs `fn` over `items` with at most `n` in flight. */
export async function pool(items, n, fn) {
  const out = new Array(items.length)
  let i = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) {
        const k = i++
        out[k] = await fn(items[k], k)
      }
    }),
  )
  return out
}
