import { Notification } from 'electron'
import type { EventDto } from '@shared/dto'

/** What a desktop notification says about an event, or null for events that do not warrant one. */
export function notificationFor(e: EventDto): { title: string; body: string } | null {
  if (e.severity !== 'critical') return null
  const what = e.type.replace(/[._]/g, ' ')
  const where = [e.ip && `from ${e.ip}`, e.hwid && `HWID ${e.hwid}`].filter(Boolean).join(', ')
  return {
    title: 'Keywarden: critical security event',
    body: `${what.charAt(0).toUpperCase()}${what.slice(1)}${where ? ` (${where})` : ''}${e.blocked ? ' — blocked' : ''}`,
  }
}

/**
 * Shows a native notification for critical security events, at most one per `quietMs` per
 * event type so an attack does not bury the desktop in popups. Clicking it opens the console.
 */
export function createSecurityNotifier(
  onClick: () => void,
  quietMs = 60_000,
  now = () => Date.now(),
) {
  const last = new Map<string, number>()
  return (e: EventDto): boolean => {
    const n = notificationFor(e)
    if (!n || !Notification.isSupported()) return false
    const t = now()
    if (t - (last.get(e.type) ?? -Infinity) < quietMs) return false
    last.set(e.type, t)
    const notification = new Notification({ title: n.title, body: n.body, urgency: 'critical' })
    notification.on('click', onClick)
    notification.show()
    return true
  }
}
