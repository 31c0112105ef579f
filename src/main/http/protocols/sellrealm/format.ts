/** SellRealm's time formats: `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DD`, in UTC. */
export function srDateTime(iso: string): string
export function srDateTime(iso: string | null): string | null
export function srDateTime(iso: string | null): string | null {
  return iso === null ? null : new Date(iso).toISOString().slice(0, 19).replace('T', ' ')
}

export function srDate(iso: string | null): string | null {
  return iso === null ? null : new Date(iso).toISOString().slice(0, 10)
}

/** Integer cents as SellRealm's decimal price (2500 -> 25). */
export function decimal(cents: number): number {
  return Math.round(cents) / 100
}

/** Money per currency, as decimals. */
export function decimals(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([c, v]) => [c, decimal(v)]))
}

/** SellRealm's three key states (used = bound to a machine at least once). */
export function keyStatus(k: {
  status: string
  used: boolean | number
}): 'Used' | 'Unused' | 'Banned' {
  if (k.status === 'banned') return 'Banned'
  return Number(k.used) === 1 || k.used === true ? 'Used' : 'Unused'
}
