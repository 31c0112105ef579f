import { z } from 'zod'
import { channel } from './channel'

export const bulkLicenseActionSchema = z.enum(['suspend', 'resume', 'extend', 'delete'])
export type BulkLicenseAction = z.infer<typeof bulkLicenseActionSchema>

export interface BulkLicenseResult {
  updated: number
  failed: { id: string; message: string }[]
}

/** Console-only license operations over many keys at once (the table's bulk actions). */
export const consoleLicenseChannels = {
  'licenses.bulkUpdate': channel(
    z
      .object({
        ids: z.array(z.string().min(1)).min(1).max(5_000),
        action: bulkLicenseActionSchema,
        /** For `extend`: days added to the current expiry (or to now when already past). */
        days: z.number().int().min(1).max(36_500).optional(),
      })
      .refine((v) => v.action !== 'extend' || v.days !== undefined, {
        message: 'Say by how many days to extend',
        path: ['days'],
      }),
  ).returns<BulkLicenseResult>(),
} as const
