import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto'
import {
  DEFAULT_RETRY,
  backoffDelay,
  defaultSleep,
  parseRetryAfter,
  type RetryPolicy,
} from './backoff.js'
import { ConfigurationError, InvalidSignatureError, NetworkError, errorFor } from './errors.js'
import {
  verifyLicenseFile,
  verifyRevocationList,
  type RevocationList,
  type SignedDocument,
  type VerifiedFile,
  type VerifyFileOptions,
} from './files.js'
import { startHeartbeat, type HeartbeatLoop, type HeartbeatOptions } from './heartbeat.js'

export interface KeywardenClientOptions {
  /** The server, e.g. `https://licenses.example.com` (no trailing /api). */
  baseUrl: string
  /** The product's id (uuid) from the console. */
  productId: string
  /**
   * Public keys pinned in the app (PEM, from the console's server card). `rsa` verifies
   * every signed answer (activate, validate, heartbeat, deactivate); `ed25519` verifies
   * license files and revocation lists. Never fetched from the server: a key fetched over
   * the same connection as the answers proves nothing.
   */
  publicKeys: { rsa?: string; ed25519?: string }
  /**
   * Set to false only to accept unsigned-checked answers (a test rig): without it, a
   * client with no pinned RSA key refuses to be built.
   */
  verifyAnswers?: boolean
  /** What the app reports about itself (LicenseCM `client_data`). */
  clientData?: Record<string, unknown>
  retry?: Partial<RetryPolicy>
  /** Per-request timeout, ms (default 15 s). */
  timeoutMs?: number
  /** Injected for tests and other runtimes. */
  fetch?: typeof fetch
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  now?: () => number
}

export interface LicenseInfo {
  type: string
  expires_at: string | null
  metadata: Record<string, unknown>
}

/** A validate or heartbeat verdict; `grace_until` and `warning` pass through when the server sends them. */
export interface Verdict {
  valid: true
  license?: LicenseInfo
  /** The signed payload, parsed (already verified when an RSA key is pinned). */
  signed: Record<string, unknown>
  grace_until?: string
  warning?: string
  [extra: string]: unknown
}

export interface Activation extends Verdict {
  session: { token: string; expires_at: string }
  challenge: string
}

export interface MachineRequest {
  licenseKey: string
  hwid: string
}

export interface CheckedOutFile {
  certificate: string
  id: string
  alg: string
  issued_at: string
  expires_at: string
}

interface Answer {
  status: number
  body: Record<string, unknown>
  /** Retry-After, when the server sent one. */
  retryAfterMs?: number
}

/** Per-call overrides (the heartbeat loop turns request retries off: it is the retry). */
export interface CallOptions {
  retries?: number
}

const RETRY_STATUS = new Set([429, 502, 503, 504])

/**
 * The Keywarden client: LicenseCM's client API (`/api/client/*`) with every signed answer
 * verified against the pinned RSA key (signature, key digest, nonce), license files and
 * revocation lists against the pinned Ed25519 key, typed errors, and retries that back off
 * exponentially with jitter, honour Retry-After and give up after `retry.retries`.
 */
export class KeywardenClient {
  readonly options: KeywardenClientOptions
  /** The current session token (activate sets it, each heartbeat rotates it). */
  sessionToken: string | null = null
  private readonly retry: RetryPolicy
  private readonly rsa: KeyObject | null
  private readonly fetchImpl: typeof fetch
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly random: () => number
  readonly now: () => number
  private lastSequence: number | null = null

  constructor(options: KeywardenClientOptions) {
    this.options = options
    this.retry = { ...DEFAULT_RETRY, ...options.retry }
    this.rsa = options.publicKeys.rsa ? createPublicKey(options.publicKeys.rsa) : null
    if (!this.rsa && options.verifyAnswers !== false) {
      throw new ConfigurationError(
        "Pin the server's RSA public key (publicKeys.rsa) or set verifyAnswers: false",
      )
    }
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis)
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
  }

  /** One request with the retry policy: network errors, 429 and 502-504 are retried. */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    call: CallOptions = {},
  ): Promise<Answer> {
    const url = this.options.baseUrl.replace(/\/+$/, '') + path
    const retries = call.retries ?? this.retry.retries
    for (let attempt = 0; ; attempt++) {
      let res: Response
      try {
        res = await this.fetchImpl(url, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        })
      } catch (e) {
        if (attempt >= retries) {
          throw new NetworkError(`No answer from ${url}: ${(e as Error).message ?? e}`)
        }
        await this.sleep(backoffDelay(attempt, this.retry, this.random))
        continue
      }
      if (RETRY_STATUS.has(res.status)) {
        const after = parseRetryAfter(res.headers.get('retry-after'), this.now())
        const json = (await res.json().catch(() => ({}))) as Record<string, unknown>
        const tooLong = after !== undefined && after > this.retry.maxRetryAfterMs
        if (attempt >= retries || tooLong) {
          return { status: res.status, body: json, retryAfterMs: after }
        }
        await this.sleep(backoffDelay(attempt, this.retry, this.random, after))
        continue
      }
      const json = (await res.json().catch(() => null)) as Record<string, unknown> | null
      return { status: res.status, body: json ?? {} }
    }
  }

  /** The answer's `data`, or the typed error of its refusal. */
  private unwrap(a: Answer): Record<string, unknown> {
    if (a.body.success === true && a.body.data && typeof a.body.data === 'object') {
      return a.body.data as Record<string, unknown>
    }
    const fallback = a.status === 429 ? 'RATE_LIMITED' : 'INTERNAL_ERROR'
    const code = typeof a.body.error_code === 'string' ? a.body.error_code : fallback
    const message = typeof a.body.message === 'string' ? a.body.message : `HTTP ${a.status}`
    throw errorFor(code, message, {
      status: a.status,
      body: a.body,
      ...(a.retryAfterMs !== undefined && { retryAfter: Math.ceil(a.retryAfterMs / 1000) }),
    })
  }

  /** Checks a signed answer: RSA-SHA512 over JSON.stringify(data), then key digest and nonce. */
  private signed(
    data: Record<string, unknown>,
    licenseKey: string,
    nonce: string,
  ): Record<string, unknown> {
    if (typeof data.data !== 'string' || typeof data.signature !== 'string') {
      if (this.rsa) throw new InvalidSignatureError('The answer is not signed')
      return {}
    }
    const payload = JSON.parse(data.data) as Record<string, unknown>
    if (!this.rsa) return payload
    const ok = verify(
      'sha512',
      Buffer.from(JSON.stringify(data.data), 'utf8'),
      this.rsa,
      Buffer.from(data.signature, 'base64'),
    )
    if (!ok) throw new InvalidSignatureError("The answer's signature does not verify")
    const digest = createHash('sha256').update(licenseKey, 'utf8').digest('hex')
    if (payload.license_key_sha256 !== digest)
      throw new InvalidSignatureError('The signed answer is about another license key')
    if (payload.nonce !== nonce)
      throw new InvalidSignatureError('The signed answer is not the answer to this request')
    return payload
  }

  private body(r: MachineRequest, extra: Record<string, unknown> = {}) {
    return {
      license_key: r.licenseKey,
      product_id: this.options.productId,
      hwid: r.hwid,
      ...(this.options.clientData && { client_data: this.options.clientData }),
      ...extra,
    }
  }

  private async call(
    path: string,
    r: MachineRequest,
    extra: Record<string, unknown> = {},
    opts: CallOptions = {},
  ) {
    const nonce = randomBytes(16).toString('hex')
    const answer = await this.send('POST', path, this.body(r, { ...extra, nonce }), opts)
    const data = this.unwrap(answer)
    const signed = this.signed(data, r.licenseKey, nonce)
    return { data, signed }
  }

  /** Carries what a server may add to a verdict (policy grace, warnings) through to the app. */
  private verdict(data: Record<string, unknown>, signed: Record<string, unknown>): Verdict {
    const pick = (k: string) => (signed[k] ?? data[k]) as string | undefined
    const v: Verdict = { ...data, valid: true, signed }
    for (const k of ['grace_until', 'warning'] as const) {
      const value = pick(k)
      if (value !== undefined) v[k] = value
    }
    return v
  }

  /** Binds this machine and opens a session (kept for heartbeat and deactivate). */
  async activate(r: MachineRequest): Promise<Activation> {
    const { data, signed } = await this.call('/api/client/activate', r)
    const session = data.session as Activation['session']
    this.sessionToken = session.token
    return { ...this.verdict(data, signed), session, challenge: String(data.challenge) }
  }

  /** Checks the key on this machine without binding anything. */
  async validate(r: MachineRequest): Promise<Verdict> {
    const { data, signed } = await this.call('/api/client/validate', r)
    return this.verdict(data, signed)
  }

  /** One heartbeat: extends the session and rotates its token. */
  async heartbeat(r: MachineRequest, opts: CallOptions = {}): Promise<Verdict> {
    if (!this.sessionToken) throw new ConfigurationError('No session: activate first')
    const { data, signed } = await this.call(
      '/api/client/heartbeat',
      r,
      { session_token: this.sessionToken },
      opts,
    )
    if (typeof data.new_token === 'string') this.sessionToken = data.new_token
    return this.verdict(data, signed)
  }

  /** Unbinds this machine and ends its sessions. */
  async deactivate(r: MachineRequest): Promise<{ deactivated: true; sessions_closed: number }> {
    const { data } = await this.call('/api/client/deactivate', r, {
      ...(this.sessionToken && { session_token: this.sessionToken }),
    })
    this.sessionToken = null
    return { deactivated: true, sessions_closed: Number(data.sessions_closed ?? 0) }
  }

  /** Heartbeats every `intervalMs` until stopped, backing off (with jitter) while they fail. */
  startHeartbeat(r: MachineRequest, opts: HeartbeatOptions): HeartbeatLoop {
    return startHeartbeat(this, r, opts)
  }

  /** Checks out a license file for this (activated) machine, ready to save and verify offline. */
  async checkOutLicenseFile(
    r: MachineRequest,
    opts: { ttl?: number; encrypt?: boolean } = {},
  ): Promise<CheckedOutFile> {
    const data = this.unwrap(
      await this.send('POST', '/api/client/license-file', {
        license_key: r.licenseKey,
        product_id: this.options.productId,
        hwid: r.hwid,
        ...opts,
      }),
    )
    return data as unknown as CheckedOutFile
  }

  /** Fetches and verifies the revocation list (never older than one this client has seen). */
  async fetchRevocationList(opts: { lastSequence?: number | null } = {}): Promise<RevocationList> {
    const key = this.ed25519()
    const doc = this.unwrap(await this.send('GET', '/api/client/revocations'))
    const list = verifyRevocationList(doc as unknown as SignedDocument, {
      publicKey: key,
      now: this.now(),
      lastSequence: opts.lastSequence ?? this.lastSequence,
    })
    this.lastSequence = list.sequence
    return list
  }

  /** verifyLicenseFile with this client's pinned Ed25519 key and clock. */
  verifyLicenseFile(text: string, opts: Omit<VerifyFileOptions, 'publicKey'> = {}): VerifiedFile {
    return verifyLicenseFile(text, { publicKey: this.ed25519(), now: this.now(), ...opts })
  }

  private ed25519(): string {
    const k = this.options.publicKeys.ed25519
    if (!k) throw new ConfigurationError("Pin the server's Ed25519 public key (publicKeys.ed25519)")
    return k
  }
}
