import { z } from 'zod'
import { channel } from './channel'
import {
  checkoutOptionsSchema,
  fingerprintSchema,
  fromRequestSchema,
  type IssuedLicenseFile,
  type LicenseFileDto,
} from '../license-files'

/** Offline license files from the console: check-out, air-gapped requests, revocation. */
export const licenseFileChannels = {
  /** A file for this license (bound to `fingerprint` when given, which activates that machine). */
  'licenseFiles.issue': channel(
    checkoutOptionsSchema.extend({
      id: z.string().min(1),
      fingerprint: fingerprintSchema.optional(),
    }),
  )
    .for('user')
    .returns<IssuedLicenseFile>(),
  /** Air-gapped activation: the app's request file in, its license file out. */
  'licenseFiles.fromRequest': channel(fromRequestSchema)
    .for('user')
    .returns<IssuedLicenseFile & { license_id: string }>(),
  'licenseFiles.list': channel(z.object({ id: z.string().min(1) }))
    .for('user')
    .returns<LicenseFileDto[]>(),
  'licenseFiles.revoke': channel(
    z.object({
      id: z.string().min(1),
      file_id: z.string().min(1),
      reason: z.string().trim().max(500).optional(),
    }),
  )
    .for('user')
    .returns<LicenseFileDto>(),
} as const
