import { sealedAad, type SecretBox } from '../../crypto/seal'
import type { WebhookRow } from '../../db/repositories/webhooks'

type SecretColumns = Pick<WebhookRow, 'secret' | 'previous_secret' | 'previous_secret_expires_at'>

/** Whether a rotation's previous secret still signs at `nowMs` (the window's end excluded). */
export function inOverlap(w: SecretColumns, nowMs: number): boolean {
  return (
    w.previous_secret !== null &&
    w.previous_secret_expires_at !== null &&
    Date.parse(w.previous_secret_expires_at) > nowMs
  )
}

/**
 * The secrets a delivery attempt at `nowMs` is signed with: the current one, then the
 * previous one while its rotation's overlap lasts (both opened from their sealed columns).
 */
export function signingSecrets(
  box: SecretBox,
  webhookId: string,
  w: SecretColumns,
  nowMs: number,
): string[] {
  const current = box.open(w.secret, sealedAad.webhookSecret(webhookId))
  if (!inOverlap(w, nowMs)) return [current]
  return [current, box.open(w.previous_secret!, sealedAad.webhookPreviousSecret(webhookId))]
}
