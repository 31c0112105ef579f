/**
 * HWID plausibility. A HWID is whatever the client SDK derives from the hardware (usually a
 * hash); we cannot know the real machine, but some values are implausible for any honest
 * SDK and typical of spoofing tools or tampered clients:
 *
 * - control characters or non-printable bytes: SDKs send hex/base64/UUID text, so these
 *   mean a hand-crafted request;
 * - one repeated character (`0000000000000000`, `ffffffff...`): the value spoofers and
 *   broken VMs report when they blank the SMBIOS/disk serials;
 * - well-known placeholder strings firmware vendors and emulators ship
 *   (`To be filled by O.E.M.`, `Default string`, the nil UUID...): a HWID built from them
 *   is shared by every such machine, so it identifies nothing.
 *
 * These are flagged (a `hwid_spoof_attempt` event), not refused: a genuine but cheap
 * machine can report placeholders, and the vendor decides what to do from the event log.
 */
const PLACEHOLDERS = new Set([
  'unknown',
  'null',
  'undefined',
  'none',
  'default',
  'default string',
  'to be filled by o.e.m.',
  'system serial number',
  'not applicable',
  'not specified',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '03000200-0400-0500-0006-000700080009',
])

/** Why a HWID looks implausible, or null when it looks like a real SDK value. */
export function implausibleHwid(hwid: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(hwid)) return 'control_characters'
  const t = hwid.trim()
  if (PLACEHOLDERS.has(t.toLowerCase())) return 'placeholder_value'
  const compact = t.replace(/[-:{}\s]/g, '')
  if (compact.length >= 8 && /^(.)\1+$/.test(compact)) return 'repeated_character'
  return null
}
