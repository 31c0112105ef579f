import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { LicenseFilter } from '@shared/schemas'
import type { Actor } from '../context'
import type { LicensesService } from '../licenses'
import { streamLicenses, type StreamFormat } from './stream'

/**
 * The desktop app's export of the filtered set: the same chunks as the HTTP download
 * (streamLicenses) piped into `path`. Written next to it first and renamed when complete, so a
 * failed export leaves no half file under the chosen name.
 */
export async function writeLicensesFile(
  licenses: LicensesService,
  actor: Actor,
  filter: LicenseFilter,
  format: StreamFormat,
  path: string,
): Promise<void> {
  const partial = `${path}.partial`
  try {
    await pipeline(
      Readable.from(streamLicenses(licenses, actor, filter, format)),
      createWriteStream(partial),
    )
    await rename(partial, path)
  } catch (e) {
    await rm(partial, { force: true })
    throw e
  }
}
