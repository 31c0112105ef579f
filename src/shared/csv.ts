import Papa from 'papaparse'

/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection"): a leading `=`, `+`,
 * `-`, `@`, tab or carriage return. A customer email or a note typed by a buyer ends up in
 * the vendor's spreadsheet, so every exported text cell starting so is prefixed with `'`.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/** A cell as exported: objects as JSON, null as empty, formula-looking text defused. */
export function csvCell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return value
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return FORMULA_START.test(text) ? `'${text}` : text
}

/** Undoes `csvCell`'s prefix when a file exported here is imported again. */
export function csvCellValue(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text
}

/**
 * The one CSV writer of every export: a header row of `columns`, then one line per row.
 * `header: false` writes the lines only (the later chunks of a streamed export).
 */
export function toCsv(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  opts: { header?: boolean } = {},
): string {
  return Papa.unparse(
    { fields: [...columns], data: rows.map((r) => columns.map((c) => csvCell(r[c]))) },
    { header: opts.header ?? true },
  )
}
