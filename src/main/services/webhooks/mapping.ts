import type { EventDto } from '@shared/dto'
import { SECURITY_EVENT_TYPES } from '@shared/channels/security'
import type { WebhookEvent } from '@shared/channels/webhooks'

const SECURITY_TYPES = new Set<string>(SECURITY_EVENT_TYPES)

/**
 * Security findings worth an alert even when nothing was blocked: signs of tampering,
 * analysis or identity games, as opposed to routine validations and plain HWID mismatches.
 */
const ALERT_TYPES = new Set([
  'hwid_spoof_attempt',
  'geo_anomaly',
  'ip_mismatch',
  'debug_detected',
  'vm_detected',
  'tamper_detected',
])

/**
 * Routine refusals (an expired key, a wrong HWID, a full key) are recorded with blocked=1 by
 * the engine; they are a customer's problem, not an attack, so they do not fire
 * `security.blocked`.
 */
const ROUTINE_TYPES = new Set([
  'license_validation',
  'license_activation',
  'license_deactivation',
  'hwid_mismatch',
])

/**
 * THE mapping from recorded events to webhook events: the one place that decides which
 * event a webhook receives. Returns null for events no webhook is told about.
 */
export function webhookEventFor(e: EventDto): WebhookEvent | null {
  switch (e.type) {
    case 'license.created':
      return 'license.created'
    case 'license.deleted':
      return 'license.deleted'
    case 'license.expired':
      return 'license.expired'
    case 'license.suspended':
      return 'license.suspended'
    case 'license.updated':
      // Events recorded before the license lifecycle (services/licenses/lifecycle.ts), which
      // records every suspension as license.suspended: an edit that carried the new status.
      return e.details.status === 'suspended' ? 'license.suspended' : null
    case 'license_activation':
    case 'license.activated':
      return e.blocked ? null : 'license.activated'
    case 'license_deactivation':
    case 'license.deactivated':
      return e.blocked ? null : 'license.deactivated'
  }
  // A validation that passed but was flagged (VM or debugger indicators under a `flag`
  // policy) is worth an alert; the engine records the flags in the event's details.
  const flags = e.details.flags
  if (e.type === 'license_validation' && !e.blocked && Array.isArray(flags) && flags.length > 0) {
    return 'security.alert'
  }
  if (!SECURITY_TYPES.has(e.type) || ROUTINE_TYPES.has(e.type)) return null
  if (e.blocked) return 'security.blocked'
  if (ALERT_TYPES.has(e.type) || e.severity === 'high' || e.severity === 'critical') {
    return 'security.alert'
  }
  return null
}
