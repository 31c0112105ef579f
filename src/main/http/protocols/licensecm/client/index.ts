import { createHash } from 'node:crypto'
import type { FastifyRequest, FastifySchema } from 'fastify'
import { z } from 'zod'
import type { LicenseView, Protocol } from '../../../../services/licensing'
import type {
  ActivateAnswerDto,
  ClientLicenseDto,
  DeactivateAnswerDto,
  GraceFields,
  HeartbeatAnswerDto,
  PublicKeyAnswerDto,
  ValidateAnswerDto,
  VerifyChallengeAnswerDto,
} from '@shared/client-answers'
import { GRACE_WARNING } from '@shared/policy'
import { refuseDeepJson } from '../../../middleware/json-depth'
import { typed, type RouteFamily } from '../context'
import { CLIENT_ANSWERS } from './answers'
import { clientErrorHandler, explainingProductId, ok } from './respond'
import {
  activateBody,
  deactivateBody,
  docBody,
  envelopeBody,
  heartbeatBody,
  isEnvelope,
  parseOrRefuse,
  validateBody,
  verifyChallengeBody,
} from './schemas'

/** Client bodies are small; 64 KiB leaves room for client_data and the hex envelope. */
const CLIENT_BODY_LIMIT = 64 * 1024
const PROTOCOL: Protocol = 'licensecm'
const publicKeyQuery = z.object({
  alg: z.enum(['rsa', 'ed25519']).optional(),
  format: z.enum(['json', 'pem']).optional(),
})

/** The license fields LicenseCM answers with. */
function wireLicense(l: LicenseView): ClientLicenseDto {
  return { type: l.type, expires_at: l.expires_at, metadata: l.metadata }
}

/**
 * Within the grace period the key is still valid and `data` says until when and why
 * (`grace_until`, `warning`), in the signed payload as well as beside it.
 */
function graceFields(graceUntil: string | null): GraceFields {
  return graceUntil ? { grace_until: graceUntil, warning: GRACE_WARNING } : {}
}

/**
 * The start of the minute a cacheable answer was issued in: identical answers within it share
 * a signature. Each license's minutes start at its own second (0-59, from its key's digest), so
 * the signatures of a working set expire spread over the minute: aligned to the clock's
 * minutes, every hot answer was re-signed in the same instant (RSA-4096 each), and a run
 * crossing a minute boundary had 4-5x the p99 of one that did not.
 */
export function issuedMinute(now: Date, licenseKey: string): string {
  const offset = (createHash('sha256').update(licenseKey).digest().readUInt32BE(0) % 60) * 1000
  const t = now.getTime()
  return new Date(Math.floor((t - offset) / 60_000) * 60_000 + offset).toISOString()
}

/** Until when an answer issued in the minute starting at `issued` repeats (ms). */
const repeatsUntil = (issued: string) => Date.parse(issued) + 60_000

/**
 * The LicenseCM client API: POST /api/client/{validate,activate,deactivate,heartbeat,
 * verify-challenge} and GET /api/client/public-key. Each route only reads the wire body
 * (plain JSON or the encrypted envelope), calls services.licensing, and shapes the answer:
 * `{success, data}` where `data.data` is the signed payload string and `data.signature` its
 * RSA signature; an encrypted request gets the whole answer back encrypted.
 */
export const clientRoutes: RouteFamily = async (app, { services }) => {
  const r = typed(app)
  app.setErrorHandler(clientErrorHandler)
  const engine = services.licensing

  /** Opens an envelope when there is one, validates the body, runs `op`, seals if needed. */
  async function serve<S extends z.ZodType, D>(
    req: FastifyRequest,
    schema: S,
    op: (input: z.infer<S>, meta: { ip: string; userAgent: string | null }) => Promise<D>,
  ) {
    const meta = {
      ip: req.origin.clientIp,
      userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
    }
    let body: unknown = req.body
    let secret: string | null = null
    if (isEnvelope(body)) {
      const env = parseOrRefuse(envelopeBody, body)
      const opened = await explainingProductId(env.product_id, () =>
        engine.envelope.open(env, meta),
      )
      secret = opened.secretKey
      // The decrypted body is JSON parsed here, not by the server: the same depth bound.
      refuseDeepJson(opened.body, 'data')
      body = opened.body
    }
    const input = parseOrRefuse(schema, body)
    const productId = (input as { product_id?: unknown }).product_id
    const answer = ok(await explainingProductId(productId, () => op(input, meta)))
    return secret ? engine.envelope.seal(secret, answer) : answer
  }

  function request(
    i: {
      license_key: string
      product_id: string
      hwid?: string
      client_data?: Record<string, unknown> | null
    },
    meta: { ip: string; userAgent: string | null },
  ) {
    return {
      licenseKey: i.license_key,
      productId: i.product_id,
      hwid: i.hwid ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      clientData: i.client_data ?? null,
      protocol: PROTOCOL,
    }
  }

  /** What a signed answer is bound to: the key it is about and the client's nonce. */
  const bound = (i: { nonce?: string }, license: LicenseView) => ({
    licenseKey: license.key,
    nonce: i.nonce,
  })

  /**
   * The license verdict for this machine in this license's minute (validate, heartbeat):
   * deterministic, so the answers of one machine within a minute share one signing.
   */
  const signVerdict = (
    action: 'validate' | 'heartbeat',
    i: { hwid?: string; nonce?: string },
    r: { license: LicenseView; watermark: string; graceUntil: string | null },
  ) => {
    const issued = issuedMinute(services.ctx.clock(), r.license.key)
    return engine.attestor.signAnswer(
      {
        action,
        valid: true,
        product_id: r.license.product_id,
        hwid: i.hwid ?? null,
        license: wireLicense(r.license),
        watermark: r.watermark,
        issued_at: issued,
        ...graceFields(r.graceUntil),
      },
      bound(i, r.license),
      repeatsUntil(issued),
    )
  }

  // Bodies are validated in `serve` (plain or envelope, with field-named messages); the
  // route schema documents both shapes for the OpenAPI document.
  const passThrough = () => (data: unknown) => ({ value: data })
  const route = (
    body: z.ZodType,
    summary: string,
    documentedResponse: FastifySchema['response'],
    limits: { rateLimit?: false } = {},
  ) => ({
    schema: { summary, body: docBody(body), tags: ['client'] },
    // The license key (and the session token) in the body are the client's proof.
    config: { access: 'public' as const, documentedResponse, ...limits },
    validatorCompiler: passThrough,
    bodyLimit: CLIENT_BODY_LIMIT,
  })

  r.post(
    '/client/validate',
    // Validation has its own per-license-per-IP limit in the engine (policy.validate_per_minute).
    route(validateBody, 'Validate a license (and its machine)', CLIENT_ANSWERS.validate, {
      rateLimit: false,
    }),
    (req) =>
      serve(req, validateBody, async (i, meta): Promise<ValidateAnswerDto> => {
        const v = await engine.validate(request(i, meta))
        const signed = await signVerdict('validate', i, v)
        return {
          valid: true,
          license: wireLicense(v.license),
          ...graceFields(v.graceUntil),
          ...signed,
          watermark: v.watermark,
        }
      }),
  )

  r.post(
    '/client/activate',
    route(activateBody, 'Activate a license on a machine', CLIENT_ANSWERS.activate),
    (req) =>
      serve(req, activateBody, async (i, meta): Promise<ActivateAnswerDto> => {
        const a = await engine.activate(request(i, meta))
        const session = { token: a.session.token, expires_at: a.session.expires_at }
        const signed = await engine.attestor.signAnswer(
          {
            action: 'activate',
            activated: true,
            product_id: a.license.product_id,
            hwid: i.hwid,
            license: wireLicense(a.license),
            session_expires_at: a.session.expires_at,
            challenge: a.challenge.value,
            watermark: a.watermark,
            issued_at: services.ctx.clock().toISOString(),
            ...graceFields(a.graceUntil),
          },
          bound(i, a.license),
        )
        return {
          activated: true,
          session,
          license: wireLicense(a.license),
          ...graceFields(a.graceUntil),
          challenge: a.challenge.value,
          challenge_expires_at: a.challenge.expires_at,
          ...signed,
          watermark: a.watermark,
        }
      }),
  )

  r.post(
    '/client/heartbeat',
    route(heartbeatBody, 'Keep a session alive', CLIENT_ANSWERS.heartbeat),
    (req) =>
      serve(req, heartbeatBody, async (i, meta): Promise<HeartbeatAnswerDto> => {
        const h = await engine.heartbeat({ ...request(i, meta), sessionToken: i.session_token })
        // The fresh token and challenge travel beside the signed verdict (inside the envelope
        // when the client encrypts), not in the signed payload.
        const signed = await signVerdict('heartbeat', i, h)
        return {
          valid: true,
          ...graceFields(h.graceUntil),
          new_token: h.session.token,
          session: { token: h.session.token, expires_at: h.session.expires_at },
          challenge: h.challenge.value,
          challenge_expires_at: h.challenge.expires_at,
          ...signed,
          watermark: h.watermark,
        }
      }),
  )

  r.post(
    '/client/deactivate',
    route(deactivateBody, 'Free a seat and end its session', CLIENT_ANSWERS.deactivate),
    (req) =>
      serve(req, deactivateBody, async (i, meta): Promise<DeactivateAnswerDto> => {
        const d = await engine.deactivate(request(i, meta))
        const signed = await engine.attestor.signAnswer(
          {
            action: 'deactivate',
            deactivated: true,
            product_id: d.license.product_id,
            hwid: i.hwid,
            issued_at: issuedMinute(services.ctx.clock(), d.license.key),
          },
          bound(i, d.license),
        )
        return { deactivated: true, sessions_closed: d.sessionsClosed, ...signed }
      }),
  )

  r.post(
    '/client/verify-challenge',
    route(
      verifyChallengeBody,
      'Answer a challenge (proof of the product secret)',
      CLIENT_ANSWERS.verifyChallenge,
    ),
    (req) =>
      serve(req, verifyChallengeBody, async (i, meta): Promise<VerifyChallengeAnswerDto> => {
        const v = await engine.verifyChallenge({
          ...request(i, meta),
          challenge: i.challenge,
          response: i.response,
        })
        const signed = await engine.attestor.signAnswer(
          {
            action: 'verify-challenge',
            verified: true,
            product_id: v.license.product_id,
            hwid: i.hwid,
            challenge: i.challenge,
            issued_at: services.ctx.clock().toISOString(),
          },
          bound(i, v.license),
        )
        return { valid: true, verified: true, ...signed }
      }),
  )

  r.get(
    '/client/public-key',
    {
      schema: {
        summary:
          'The RSA key answers are signed with; ?alg=ed25519: the Ed25519 key of license files (&format=pem: the bare PEM)',
        querystring: publicKeyQuery,
        tags: ['client'],
      },
      config: { access: 'public', rateLimit: false, documentedResponse: CLIENT_ANSWERS.publicKey },
    },
    async (req, reply) => {
      if (req.query.alg === 'ed25519') {
        const pem = services.licenseFiles.publicKeyPem()!
        if (req.query.format === 'pem') return reply.type('application/x-pem-file').send(pem)
        return ok<PublicKeyAnswerDto>({ public_key: pem, algorithm: 'Ed25519' })
      }
      const pem = await engine.attestor.publicKey()
      if (req.query.format === 'pem') return reply.type('application/x-pem-file').send(pem)
      return ok<PublicKeyAnswerDto>({ public_key: pem, algorithm: 'RSA-SHA512', key_size: 4096 })
    },
  )
}
