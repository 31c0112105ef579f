import { createHash } from 'node:crypto'
import { safeEqual } from '../../crypto/random'

/**
 * The Hi-Rez signature: lowercase hex MD5 of devId + method + authKey + timestamp, the method
 * lowercase and without its response format (`createsession`, not `CreateSessionJSON`).
 */
export function hirezSignature(
  devId: number | string,
  method: string,
  authKey: string,
  timestamp: string,
): string {
  return createHash('md5').update(`${devId}${method}${authKey}${timestamp}`, 'utf8').digest('hex')
}

/**
 * True when `given` is the signature of this call. Hex in either case is accepted, and the key
 * in either case (clients that lowercase the 32-hex key they were given still pass); both
 * candidates are always computed and compared in constant time.
 */
export function signatureMatches(
  given: string,
  devId: number,
  method: string,
  authKey: string,
  timestamp: string,
): boolean {
  const g = given.toLowerCase()
  const upper = safeEqual(g, hirezSignature(devId, method, authKey.toUpperCase(), timestamp))
  const lower = safeEqual(g, hirezSignature(devId, method, authKey.toLowerCase(), timestamp))
  return upper || lower
}

export type TimestampRead =
  { ok: true; at: Date } | { ok: false; reason: 'timestamp_format' | 'timestamp_invalid' }

/**
 * A `YYYYMMDDHHmmss` UTC timestamp: not 14 digits is `timestamp_format` ("Invalid date
 * format"), 14 digits that name no instant (month 13, 30 February, 25 o'clock) is
 * `timestamp_invalid` ("Exception - Timestamp").
 */
export function readTimestamp(text: string): TimestampRead {
  if (!/^\d{14}$/.test(text)) return { ok: false, reason: 'timestamp_format' }
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) =>
    Number(text.slice(i, k === 0 ? 4 : i + 2)),
  )
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s))
  const same =
    at.getUTCFullYear() === y &&
    at.getUTCMonth() === mo - 1 &&
    at.getUTCDate() === d &&
    at.getUTCHours() === h &&
    at.getUTCMinutes() === mi &&
    at.getUTCSeconds() === s
  return same ? { ok: true, at } : { ok: false, reason: 'timestamp_invalid' }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** `YYYYMMDDHHmmss` of an instant, UTC (what clients send; tests and the README use it). */
export function hirezTimestamp(at: Date): string {
  return (
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`
  )
}

/** The reference's answer dates, UTC: `M/D/YYYY h:mm:ss AM` (`12/1/2026 6:30:05 PM`). */
export function hirezDate(at: Date): string {
  const h = at.getUTCHours()
  const h12 = h % 12 === 0 ? 12 : h % 12
  return (
    `${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCFullYear()} ` +
    `${h12}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
  )
}

/** The UTC day of an instant, `YYYYMMDD` (daily counters), and when that day ends. */
export function utcDayOf(at: Date): { day: string; endsAt: string } {
  const day = hirezTimestamp(at).slice(0, 8)
  const end = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1)
  return { day, endsAt: new Date(end).toISOString() }
}
