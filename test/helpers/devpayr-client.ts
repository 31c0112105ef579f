import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * A DevPayr client written from the wire contract alone (issue 14), as DevPayr's SDKs behave:
 * it sends `Accept: application/json`, JSON bodies (`{}` for an empty POST), the runtime
 * identifier as `X-Devpayr-Domain`, `X-LICENSE-KEY` and/or `X-API-KEY`, and
 * `include=injectables&action=check_project` on every query string. It reads only `data` on
 * a 2xx answer and only the top-level `message` on a refusal. Nothing here knows Keywarden.
 */
export class DevpayrError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'DevpayrError'
  }
}

export interface DevpayrClientOptions {
  /** e.g. http://HOST:PORT/devpayr/api/v1/ */
  baseUrl: string
  domain: string
  licenseKey?: string
  apiKey?: string
}

/** A decrypted injectable, as an SDK hands it to the application. */
export interface OpenedInjectable {
  slug: string
  name: string
  type: string
  mode: string
  path: string | null
  content: Buffer
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the wire's JSON
type Json = any

export class DevpayrClient {
  constructor(readonly opts: DevpayrClientOptions) {}

  /** One request; the 2xx `data`, or a DevpayrError carrying the refusal's `message`. */
  async request(method: string, path: string, body?: unknown): Promise<Json> {
    const base = this.opts.baseUrl.endsWith('/') ? this.opts.baseUrl : this.opts.baseUrl + '/'
    const url = new URL(path.replace(/^\//, ''), base)
    url.searchParams.set('include', 'injectables')
    url.searchParams.set('action', 'check_project')
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-Devpayr-Domain': this.opts.domain,
    }
    if (this.opts.licenseKey) headers['X-LICENSE-KEY'] = this.opts.licenseKey
    if (this.opts.apiKey) headers['X-API-KEY'] = this.opts.apiKey
    let payload: string | undefined
    if (method !== 'GET' && method !== 'DELETE') {
      headers['Content-Type'] = 'application/json'
      payload = JSON.stringify(body ?? {})
    }
    const res = await fetch(url, { method, headers, body: payload })
    const json = (await res.json()) as Json
    if (res.status >= 200 && res.status < 300) return json.data
    throw new DevpayrError(res.status, String(json.message))
  }

  // --- backend (X-API-KEY) ---
  projects = {
    create: (data: Json) => this.request('POST', 'project', data),
    list: () => this.request('GET', 'projects'),
    get: (id: string) => this.request('GET', `project/${id}`),
    update: (id: string, data: Json) => this.request('PUT', `project/${id}`, data),
    delete: (id: string) => this.request('DELETE', `project/${id}`),
    hasPaid: (id: string) => this.request('GET', `project/${id}/has-paid`),
  }

  licenses = {
    list: (p: string) => this.request('GET', `project/${p}/licenses`),
    create: (p: string, data: Json) => this.request('POST', `project/${p}/licenses`, data),
    get: (p: string, l: string) => this.request('GET', `project/${p}/licenses/${l}`),
    delete: (p: string, l: string) => this.request('DELETE', `project/${p}/licenses/${l}`),
    revoke: (p: string, l: string) => this.request('POST', `project/${p}/licenses/${l}/revoke`),
    reactivate: (p: string, l: string) =>
      this.request('POST', `project/${p}/licenses/${l}/reactivate`),
  }

  /** As the SDK calls them: the collection plural, one domain singular. */
  domains = {
    list: (p: string) => this.request('GET', `project/${p}/domains`),
    create: (p: string, data: Json) => this.request('POST', `project/${p}/domains`, data),
    get: (p: string, d: string) => this.request('GET', `project/${p}/domain/${d}`),
    update: (p: string, d: string, data: Json) =>
      this.request('PUT', `project/${p}/domain/${d}`, data),
    delete: (p: string, d: string) => this.request('DELETE', `project/${p}/domains/${d}`),
  }

  injectables = {
    list: (p: string) => this.request('GET', `project/${p}/injectables`),
    create: (p: string, data: Json) => this.request('POST', `project/${p}/injectables`, data),
    get: (p: string, i: string) => this.request('GET', `project/${p}/injectables/${i}`),
    update: (p: string, i: string, data: Json) =>
      this.request('PUT', `project/${p}/injectables/${i}`, data),
    delete: (p: string, i: string) => this.request('DELETE', `project/${p}/injectables/${i}`),
  }

  // --- runtime (X-LICENSE-KEY) ---
  hasPaid = () => this.request('POST', 'project/has-paid')
  streamInjectables = () => this.request('GET', 'injectable/stream')

  /**
   * What an SDK does at start: checks the license on this runtime (has-paid with
   * injectables), then verifies and decrypts each injectable with the shared secret.
   */
  async bootstrap(secret: string): Promise<{ hasPaid: boolean; injectables: OpenedInjectable[] }> {
    const data = await this.hasPaid()
    const list: Json[] = data.injectables ?? []
    return {
      hasPaid: data.has_paid === true,
      injectables: list.map((i) => openInjectable(secret, i)),
    }
  }
}

/**
 * Verifies `signature` = hex HMAC-SHA256(secret, content), decrypts `content` =
 * Base64(IV ‖ "::" ‖ Base64(AES-256-CBC(SHA-256(secret), IV, plaintext))) and checks
 * `content_hash` = hex SHA-256(plaintext). Throws on any mismatch.
 */
export function openInjectable(secret: string, i: Json): OpenedInjectable {
  const expected = createHmac('sha256', secret).update(String(i.content)).digest()
  const given = Buffer.from(String(i.signature), 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Error(`injectable ${i.slug}: bad signature`)
  }
  const raw = Buffer.from(String(i.content), 'base64')
  const at = raw.indexOf('::')
  if (at < 0) throw new Error(`injectable ${i.slug}: no "::" separator`)
  const iv = raw.subarray(0, at)
  const cipher = Buffer.from(raw.subarray(at + 2).toString(), 'base64')
  const key = createHash('sha256').update(secret).digest()
  const d = createDecipheriv('aes-256-cbc', key, iv)
  const content = Buffer.concat([d.update(cipher), d.final()])
  if (createHash('sha256').update(content).digest('hex') !== i.content_hash) {
    throw new Error(`injectable ${i.slug}: content_hash does not match`)
  }
  return { slug: i.slug, name: i.name, type: i.type, mode: i.mode, path: i.path, content }
}
