import { z } from 'zod'
import {
  activateAnswerSchema,
  deactivateAnswerSchema,
  encryptedAnswerSchema,
  heartbeatAnswerSchema,
  licenseFileAnswerSchema,
  publicKeyAnswerSchema,
  revocationListSchema,
  validateAnswerSchema,
  verifyChallengeAnswerSchema,
} from '@shared/dto-schemas-client'
import { envelope } from '../reply'

/**
 * What each client route answers, for the OpenAPI document only (`config.documentedResponse`,
 * see middleware/openapi-answers.ts): these routes carry no response schema (hot path, #19).
 */

/** A client that encrypted its request gets the whole answer back encrypted: one or the other. */
const plainOrSealed = (data: z.ZodType) => ({
  200: z.xor([envelope(data), encryptedAnswerSchema]),
})

export const CLIENT_ANSWERS = {
  validate: plainOrSealed(validateAnswerSchema),
  activate: plainOrSealed(activateAnswerSchema),
  heartbeat: plainOrSealed(heartbeatAnswerSchema),
  deactivate: plainOrSealed(deactivateAnswerSchema),
  verifyChallenge: plainOrSealed(verifyChallengeAnswerSchema),
  licenseFile: { 200: envelope(licenseFileAnswerSchema) },
  revocations: { 200: envelope(revocationListSchema) },
  publicKey: {
    200: {
      content: {
        'application/json': { schema: envelope(publicKeyAnswerSchema) },
        'application/x-pem-file': { schema: z.string().describe('With ?format=pem: the PEM') },
      },
    },
  },
}
