/**
 * The port from KEYWARDEN_PORT: a whole number 0–65535 (0 = any free port, as the e2e suite
 * uses), else the default. `Number(x) || d` would turn a deliberate 0 into the default.
 */
export function envPort(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback
  const n = Number(value)
  return Number.isInteger(n) && n >= 0 && n <= 65_535 ? n : fallback
}
