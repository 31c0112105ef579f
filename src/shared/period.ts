/** Reporting windows, as the server computes them and the console labels them. */

const DAY = 86_400_000

/**
 * "The last `n` days" as both the dashboard and Store › Analytics mean it: `n` whole UTC
 * calendar days ending with today (so today is the last, partial, day), up to `now` inclusive.
 */
export function lastDays(now: Date, n = 30): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  return {
    from: new Date(today - (n - 1) * DAY).toISOString(),
    to: new Date(now.getTime() + 1).toISOString(),
  }
}

/**
 * "last 30 days" for a window of 30 UTC days (the server's default: from the start of the day 29
 * days ago to now), else the dates it covers. The days are counted as the UTC days the window
 * touches, so the label does not depend on the hour it is read at.
 */
export function periodLabel(from: string, to: string): string {
  const days = Math.ceil((Date.parse(to) - Date.parse(from.slice(0, 10))) / DAY)
  return days === 30 ? 'last 30 days' : `${from.slice(0, 10)} to ${to.slice(0, 10)}`
}
