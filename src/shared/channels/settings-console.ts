import { z } from 'zod'
import { channel } from './channel'

export const transferKindSchema = z.enum(['products', 'licenses'])
export const transferFormatSchema = z.enum(['csv', 'json'])
export type TransferKind = z.infer<typeof transferKindSchema>
export type TransferFormat = z.infer<typeof transferFormatSchema>

export interface ImportRowResult {
  /** 1-based row number in the file (data rows, header excluded). */
  row: number
  ok: boolean
  /** What the row becomes: the product name or the license key. */
  label: string
  error?: string
}

export interface ImportReport {
  dry_run: boolean
  total: number
  created: number
  errors: number
  rows: ImportRowResult[]
}

/** Import and export of products and licenses (CSV or JSON), with a dry run. */
export const transferChannels = {
  'transfer.export': channel(z.object({ kind: transferKindSchema, format: transferFormatSchema }))
    .for('admin')
    .returns<{ filename: string; content: string; count: number }>(),
  'transfer.import': channel(
    z.object({
      kind: transferKindSchema,
      format: transferFormatSchema,
      content: z.string().min(1, 'The file is empty').max(50_000_000),
      dryRun: z.boolean().default(true),
    }),
  )
    .for('admin')
    .returns<ImportReport>(),
} as const
