import { z } from 'zod'
import type { Page } from '../dto'
import { licenseFilterSchema, lifecycleReasonSchema } from '../schemas'
import { channel } from './channel'
import {
  bulkLicenseActionSchema,
  type BulkLicenseResult,
  type MachineViewDto,
} from './console-licenses'

/** The console's views over many licenses: "all N matching" actions and the machines view. */
export const licenseViewChannels = {
  /**
   * A bulk action on every license matching the filter, beyond the page on screen (applied
   * server-side in batches). `expected` is the N the confirmation named: if more match by
   * now, nothing changes (CONFLICT).
   */
  'licenses.bulkUpdateMatching': channel(
    z
      .object({
        filter: licenseFilterSchema,
        expected: z.number().int().min(1),
        action: bulkLicenseActionSchema,
        days: z.number().int().min(1).max(36_500).optional(),
        reason: lifecycleReasonSchema,
      })
      .refine((v) => v.action !== 'extend' || v.days !== undefined, {
        message: 'Say by how many days to extend',
        path: ['days'],
      }),
  )
    .for('user')
    .returns<BulkLicenseResult & { matched: number }>(),
  /**
   * Desktop app: asks where to save, then streams the whole filtered set into that file (what
   * the browser console downloads from GET /console/export/licenses.{csv,json}). null when the
   * save dialog was cancelled.
   */
  'licenses.exportToFile': channel(
    z.object({ filter: licenseFilterSchema, format: z.enum(['csv', 'json']) }),
  )
    .for('user')
    .returns<{ path: string } | null>(),
  /** Machines across licenses (or one customer's): platform, app version, IP, last seen. */
  'machines.list': channel(
    z.object({
      q: z.string().max(200).optional(),
      customer_id: z.string().max(64).optional(),
      page: z.number().int().min(1).default(1),
      limit: z.number().int().min(1).max(500).default(50),
    }),
  )
    .for('user')
    .returns<Page<MachineViewDto>>(),
} as const
