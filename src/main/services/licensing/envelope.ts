import { sealedAad } from '../../crypto/seal'
import { DomainError } from '@shared/errors'
import type { EncryptedAnswerDto } from '@shared/client-answers'
import {
  openEnvelope,
  sealEnvelope,
  envelopeSignature,
  verifyEnvelopeSignature,
} from '../../crypto/envelope'
import { findProductSecret } from '../../db/repositories/machines'
import type { ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ReplayGuard } from '../replay'

export interface EnvelopeIn {
  iv: string
  data: string
  tag: string
  signature: string
  product_id: string
  timestamp: number
}

export interface EnvelopeMeta {
  ip: string | null
  userAgent: string | null
}

export interface OpenedRequest {
  /**
   * The decrypted request body (JSON, not yet validated); an object body carries the
   * envelope's `product_id` (the one its HMAC and key were checked against).
   */
  body: unknown
  productId: string
  /** Needed to seal the answer; never leaves main otherwise. */
  secretKey: string
}

export interface EnvelopeOptions {
  /** Accepted clock skew either way, in ms (default ±5 min). */
  windowMs: number
}

/**
 * The envelope names the product whose key sealed it: an encrypted body naming another product
 * is refused, and an object body without one gets the envelope's.
 */
function bindProduct(body: unknown, productId: string): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body
  const inner = body as Record<string, unknown>
  if ('product_id' in inner && inner.product_id !== productId) {
    throw new DomainError('SECURITY_VIOLATION', 'Encrypted product_id does not match the envelope')
  }
  return { ...inner, product_id: productId }
}

/**
 * Opens LicenseCM encrypted requests and seals their answers. Checks, in order: the product
 * exists, the HMAC (constant time), the timestamp window, one use per envelope (replay_guard),
 * then the GCM tag, then the body's product_id. The signature, window, replay and tag
 * refusals are recorded as security events.
 */
export function createEnvelopeService(
  ctx: ServiceContext,
  deps: { events: EventsService; replay: ReplayGuard },
  opts: EnvelopeOptions,
) {
  async function refuse(
    type: string,
    reason: string,
    message: string,
    env: EnvelopeIn,
    meta: EnvelopeMeta,
    productId: string | null,
  ): Promise<never> {
    await deps.events.record({
      type,
      severity: type === 'replay_attack' ? 'high' : 'medium',
      productId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      blocked: true,
      details: { reason, timestamp: env.timestamp },
    })
    throw new DomainError('SECURITY_VIOLATION', message)
  }

  return {
    options: opts,

    async open(env: EnvelopeIn, meta: EnvelopeMeta): Promise<OpenedRequest> {
      const product = await findProductSecret(ctx.db, env.product_id)
      if (!product) throw new DomainError('PRODUCT_NOT_FOUND', 'Product not found')
      const secret = ctx.secrets.open(product.secret_key, sealedAad.productSecret(product.id))
      if (!verifyEnvelopeSignature(secret, env, env.timestamp, env.signature)) {
        return refuse(
          'tamper_detected',
          'bad_signature',
          'Invalid request signature',
          env,
          meta,
          product.id,
        )
      }
      const now = ctx.clock().getTime()
      if (Math.abs(now - env.timestamp) > opts.windowMs) {
        return refuse(
          'replay_attack',
          'stale_timestamp',
          'Request timestamp outside the allowed window',
          env,
          meta,
          product.id,
        )
      }
      // Remember the signature until it would be stale anyway; a second use is a replay. Its own
      // transaction (shared with its turn's others on SQLite): committed before the request it
      // lets through runs, so no other node can let the same envelope through meanwhile.
      const until = env.timestamp + opts.windowMs + 1000
      const signature = env.signature.toLowerCase()
      const first = await ctx.tx((trx) =>
        deps.replay.remember(trx, 'licensecm_envelope', signature, until),
      )
      if (!first) {
        return refuse(
          'replay_attack',
          'replayed_envelope',
          'Replayed request',
          env,
          meta,
          product.id,
        )
      }
      const plain = openEnvelope(secret, env)
      if (!plain)
        return refuse(
          'tamper_detected',
          'bad_ciphertext',
          'Request could not be decrypted',
          env,
          meta,
          product.id,
        )
      let body: unknown
      try {
        body = JSON.parse(plain.toString('utf8'))
      } catch {
        throw new DomainError('VALIDATION_ERROR', 'Encrypted payload is not valid JSON')
      }
      return { body: bindProduct(body, env.product_id), productId: product.id, secretKey: secret }
    },

    /** `{ encrypted, iv, data, tag, timestamp, signature }` around the JSON of `response`. */
    seal(secretKey: string, response: unknown): EncryptedAnswerDto {
      const sealed = sealEnvelope(secretKey, JSON.stringify(response))
      const timestamp = ctx.clock().getTime()
      return {
        encrypted: true as const,
        ...sealed,
        timestamp,
        signature: envelopeSignature(secretKey, sealed, timestamp),
      }
    },
  }
}

export type EnvelopeService = ReturnType<typeof createEnvelopeService>
