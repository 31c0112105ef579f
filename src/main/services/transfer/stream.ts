import { toCsv } from '@shared/csv'
import type { LicenseFilter } from '@shared/schemas'
import type { Actor } from '../context'
import type { LicensesService } from '../licenses'
import { LICENSE_COLUMNS, licenseExportRow } from './index'

export type StreamFormat = 'csv' | 'json'

/**
 * Every license the actor sees matching `filter`, as export text in chunks (one per batch of
 * the keyset cursor): CSV with one header row, or one JSON array. Nothing holds the whole set;
 * a slow reader pauses the reads. The columns are the transfer export's, so the file imports.
 */
export async function* streamLicenses(
  licenses: LicensesService,
  actor: Actor,
  filter: LicenseFilter,
  format: StreamFormat,
): AsyncGenerator<string> {
  let first = true
  if (format === 'json') yield '['
  for await (const batch of licenses.matching(actor, filter)) {
    const rows = batch.map(licenseExportRow)
    if (format === 'csv') {
      yield (first ? '' : '\r\n') + toCsv(rows, LICENSE_COLUMNS, { header: first })
    } else {
      yield (first ? '\n' : ',\n') + rows.map((r) => JSON.stringify(r)).join(',\n')
    }
    first = false
  }
  if (format === 'csv' && first) yield toCsv([], LICENSE_COLUMNS)
  if (format === 'json') yield '\n]\n'
}
