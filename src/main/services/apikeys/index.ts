import { DomainError } from '@shared/errors'
import {
  SIGNATURE_WINDOW_SECONDS,
  type ApiKeyDto,
  type ApiKeyScope,
  type CreateApiKeyInput,
  type CreatedApiKeyDto,
} from '@shared/apikeys'
import type { ApiKey } from '../../db/schema'
import * as repo from '../../db/repositories/apikeys'
import type { ReplayGuard } from '../replay'
import { randomAlnum, sha256Hex, uuid } from '../../crypto/random'
import { loadMasterKey, seal, unseal } from '../../crypto/seal'
import { signatureMatches } from '../../crypto/signature'
import { CONSOLE, type Actor, nowIso, ownerOf, seesAll, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ProductsService } from '../products'
import type { SecurityService } from '../security'
import { ipAllowed, normalizeIp } from './ip'

/** `kw_live_` + 40 alphanumerics (~238 bits); the first 16 characters are shown as its prefix. */
const KEY_PREFIX = 'kw_live_'
const VISIBLE = KEY_PREFIX.length + 8
/** last_used_at is rewritten at most this often per key (and whenever the IP changes). */
const TOUCH_INTERVAL_MS = 60_000

/** Who a valid API key acts as, and what it may do. */
export interface ApiKeyAuth {
  keyId: string
  /** Visible prefix, for logs. */
  prefix: string
  /** The sealed signing secret, opened only when a request must be verified. */
  secretSealed: string
  actor: Actor
  scopes: ApiKeyScope[]
  productId: string | null
  requireSignature: boolean
}

export interface SignatureInput {
  method: string
  /** The request target as sent, query string included. */
  path: string
  timestamp: string | undefined
  signature: string | undefined
  body: string | Buffer
  /** For the security log. */
  ip?: string
}

/** The one security-center call this service makes (the security service, passed lazily). */
type ReplayReporter = Pick<SecurityService, 'reportReplay'>

export function toApiKeyDto(k: ApiKey): ApiKeyDto {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: JSON.parse(k.scopes) as ApiKeyScope[],
    product_id: k.product_id,
    require_signature: k.require_signature === 1,
    ip_allowlist: JSON.parse(k.ip_allowlist) as string[],
    expires_at: k.expires_at,
    last_used_at: k.last_used_at,
    last_used_ip: k.last_used_ip,
    revoked_at: k.revoked_at,
    created_at: k.created_at,
    account_id: k.account_id,
  }
}

/** True when `scopes` grant `needed`; `admin` grants everything. */
export function hasScope(scopes: readonly string[], needed: ApiKeyScope): boolean {
  return scopes.includes(needed) || scopes.includes('admin')
}

export function createApiKeysService(
  ctx: ServiceContext,
  deps: {
    events: EventsService
    products: ProductsService
    replay: ReplayGuard
    security?: () => ReplayReporter
  },
) {
  let master: Buffer | undefined
  // Read lazily: an installation that never makes a key never writes a master key file.
  const masterKey = () => (master ??= loadMasterKey(ctx.dataDir))

  // Opened secrets of recently used signing keys: AES-GCM per request is cheap, but a busy
  // signed integration should not pay it on every call. Keyed by the sealed value, so a
  // changed row never serves a stale secret; bounded, and only signing keys land here.
  const opened = new Map<string, string>()
  function openSecret(id: string, sealed: string): string {
    let secret = opened.get(sealed)
    if (secret === undefined) {
      secret = unseal(masterKey(), sealed, id)
      if (opened.size >= 256) opened.clear()
      opened.set(sealed, secret)
    }
    return secret
  }

  async function load(actor: Actor, id: string): Promise<ApiKey> {
    const k = await repo.findApiKey(ctx.db, id)
    if (!k || (!seesAll(actor) && k.account_id !== ownerOf(actor))) {
      throw new DomainError('NOT_FOUND', 'API key not found')
    }
    return k
  }

  return {
    /**
     * Creates a key. The answer is the only time the key and the secret are ever shown: the
     * key is stored as its SHA-256 (the server only needs to recognise it), the secret is
     * sealed (the server needs it back to verify HMAC signatures; see crypto/seal.ts).
     */
    async create(actor: Actor, input: CreateApiKeyInput): Promise<CreatedApiKeyDto> {
      const now = nowIso(ctx)
      if (input.expires_at && new Date(input.expires_at).toISOString() <= now) {
        throw new DomainError('VALIDATION_ERROR', 'expires_at must be in the future')
      }
      if (input.product_id) await deps.products.load(actor, input.product_id)
      const id = uuid()
      const key = KEY_PREFIX + randomAlnum(40)
      const secret = randomAlnum(48)
      const row = await repo.insertApiKey(ctx.db, {
        id,
        account_id: ownerOf(actor),
        name: input.name,
        prefix: key.slice(0, VISIBLE),
        key_hash: sha256Hex(key),
        secret_sealed: seal(masterKey(), secret, id),
        scopes: JSON.stringify([...new Set(input.scopes)]),
        product_id: input.product_id ?? null,
        require_signature: input.require_signature ? 1 : 0,
        ip_allowlist: JSON.stringify(input.ip_allowlist ?? []),
        expires_at: input.expires_at ? new Date(input.expires_at).toISOString() : null,
        last_used_at: null,
        last_used_ip: null,
        revoked_at: null,
        created_at: now,
      })
      await deps.events.record({
        type: 'api_key.created',
        productId: row.product_id,
        details: { api_key_id: id, prefix: row.prefix, scopes: input.scopes },
      })
      return { ...toApiKeyDto(row), key, secret }
    },

    async list(actor: Actor): Promise<ApiKeyDto[]> {
      const rows = await repo.listApiKeys(ctx.db, seesAll(actor) ? undefined : ownerOf(actor))
      return rows.map(toApiKeyDto)
    },

    async get(actor: Actor, id: string): Promise<ApiKeyDto> {
      return toApiKeyDto(await load(actor, id))
    },

    /** Revokes a key; the very next request with it is refused (every request reads the row). */
    async revoke(actor: Actor, id: string): Promise<ApiKeyDto> {
      const k = await load(actor, id)
      if (k.revoked_at) return toApiKeyDto(k)
      await repo.revokeApiKey(ctx.db, id, nowIso(ctx))
      await deps.events.record({
        type: 'api_key.revoked',
        severity: 'low',
        productId: k.product_id,
        details: { api_key_id: id, prefix: k.prefix },
      })
      return toApiKeyDto((await repo.findApiKey(ctx.db, id))!)
    },

    /**
     * Recognises an `X-API-Key`. Unknown, revoked, expired, a deactivated account, or an IP
     * outside the key's allow-list: UNAUTHORIZED, each with its own message.
     */
    async authenticate(key: string, ip: string): Promise<ApiKeyAuth> {
      const k = await repo.findApiKeyByHash(ctx.db, sha256Hex(key))
      if (!k) throw new DomainError('UNAUTHORIZED', 'Invalid API key')
      const now = nowIso(ctx)
      if (k.revoked_at) throw new DomainError('UNAUTHORIZED', 'API key has been revoked')
      if (k.expires_at && k.expires_at <= now)
        throw new DomainError('UNAUTHORIZED', 'API key has expired')
      if (k.account_id && k.account_active !== 1) {
        throw new DomainError('UNAUTHORIZED', "The API key's account is deactivated")
      }
      if (!ipAllowed(JSON.parse(k.ip_allowlist) as string[], ip)) {
        throw new DomainError('UNAUTHORIZED', `API key is not allowed from IP ${normalizeIp(ip)}`)
      }
      const stale = new Date(ctx.clock().getTime() - TOUCH_INTERVAL_MS).toISOString()
      await repo.touchApiKey(ctx.db, k.id, now, normalizeIp(ip), stale)
      return {
        keyId: k.id,
        prefix: k.prefix,
        secretSealed: k.secret_sealed,
        actor: k.account_id
          ? { kind: 'account', accountId: k.account_id, role: k.account_role! }
          : CONSOLE,
        scopes: JSON.parse(k.scopes) as ApiKeyScope[],
        productId: k.product_id,
        requireSignature: k.require_signature === 1,
      }
    },

    /** FORBIDDEN naming the scope when `scopes` do not grant `needed`. */
    requireScope(scopes: readonly string[], needed: ApiKeyScope): void {
      if (!hasScope(scopes, needed))
        throw new DomainError('FORBIDDEN', `API key lacks scope ${needed}`)
    },

    /**
     * Checks a signed request (X-Timestamp, X-Signature) for a key. Refusals are FORBIDDEN and
     * say which check failed: missing headers, a timestamp outside ±window, a wrong
     * signature, or a signature already used. A signature is remembered only once it has
     * verified, until its timestamp leaves the window (after which the timestamp check
     * refuses it anyway), so nobody can poison the guard with made-up values.
     */
    async verifySignature(
      key: Pick<ApiKeyAuth, 'keyId' | 'prefix' | 'secretSealed' | 'productId'>,
      r: SignatureInput,
      windowSeconds = SIGNATURE_WINDOW_SECONDS,
    ): Promise<void> {
      if (!r.timestamp || !r.signature) {
        throw new DomainError(
          'FORBIDDEN',
          'This API key requires signed requests: send X-Timestamp and X-Signature',
        )
      }
      if (!/^\d{1,12}$/.test(r.timestamp.trim())) {
        throw new DomainError('FORBIDDEN', 'X-Timestamp must be a Unix time in seconds')
      }
      const ts = Number(r.timestamp.trim())
      const skew = Math.abs(ctx.clock().getTime() / 1000 - ts)
      if (skew > windowSeconds) {
        throw new DomainError(
          'FORBIDDEN',
          `Request timestamp is outside the allowed window of ±${windowSeconds} s (off by ${Math.round(skew)} s); check the client's clock`,
        )
      }
      const secret = openSecret(key.keyId, key.secretSealed)
      const signed = { method: r.method, path: r.path, timestamp: r.timestamp.trim(), body: r.body }
      if (!signatureMatches(secret, signed, r.signature)) {
        await deps.events.record({
          type: 'api_key.signature_rejected',
          severity: 'medium',
          details: { api_key_id: key.keyId, prefix: key.prefix, method: r.method, path: r.path },
        })
        throw new DomainError('FORBIDDEN', 'Invalid request signature')
      }
      const until = (ts + windowSeconds) * 1000 + 1000
      // Committed before the request runs (its own transaction: the turn's batch on SQLite), so
      // the same signature sent to another node meanwhile finds it taken.
      const used = `${key.keyId}:${r.signature.trim()}`
      const fresh = await ctx.tx((trx) => deps.replay.remember(trx, 'api_signature', used, until))
      if (!fresh) {
        // A captured request sent again: the security center logs it as a replay attack.
        await deps.security?.().reportReplay({
          kind: 'api_signature',
          ip: r.ip,
          productId: key.productId,
          protocol: 'management',
        })
        throw new DomainError('FORBIDDEN', 'Request signature was already used (replay refused)')
      }
    },
  }
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>
