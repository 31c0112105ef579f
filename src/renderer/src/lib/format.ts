/** Display helpers shared by screens. Times arrive as UTC ISO strings and show in local time. */

const dateFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
})
const timeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const numFmt = new Intl.NumberFormat()

export const fmtDate = (iso: string | null | undefined): string =>
  iso ? dateFmt.format(new Date(iso)) : '—'
export const fmtDateTime = (iso: string | null | undefined): string =>
  iso ? timeFmt.format(new Date(iso)) : '—'
export const fmtNum = (n: number | null | undefined): string => (n == null ? '—' : numFmt.format(n))

export function fmtMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100)
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}

/** "3 min ago", "in 2 days": for feeds and expiry columns. */
export function fmtRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never'
  const diff = new Date(iso).getTime() - now
  const abs = Math.abs(diff)
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86_400_000],
    ['month', 30 * 86_400_000],
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ]
  for (const [unit, ms] of units) if (abs >= ms) return rtf.format(Math.round(diff / ms), unit)
  return 'just now'
}

/** "license.hwid_reset" -> "License HWID reset". */
export function eventLabel(type: string): string {
  const words = type
    .replace(/[._]/g, ' ')
    .replace(/\bhwid\b/gi, 'HWID')
    .trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Starts a browser download of text content (exports, new keys). */
export function download(filename: string, content: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([content], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
