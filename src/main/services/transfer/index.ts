import Papa from 'papaparse'
import { csvCellValue, toCsv } from '@shared/csv'
import { z } from 'zod'
import type {
  ImportReport,
  ImportRowResult,
  TransferFormat,
  TransferKind,
} from '@shared/channels/settings-console'
import type { LicenseDto, ProductDto } from '@shared/dto'
import { createLicenseSchema, createProductSchema, licenseTypeSchema } from '@shared/schemas'
import { DomainError } from '@shared/errors'
import { boundedJson } from '@shared/json-bounds'
import type { Actor } from '../context'
import type { LicensesService } from '../licenses'
import type { ProductsService } from '../products'

/** Licenses exported per call: enough for any real migration, bounded for memory. */
export const EXPORT_LIMIT = 200_000
const IMPORT_LIMIT = 10_000

const PRODUCT_COLUMNS = [
  'name',
  'description',
  'is_active',
  'price_cents',
  'currency',
  'stock',
  'license_defaults',
  'policy',
] as const
/** A license's columns in every export (the import reads the same). */
export const LICENSE_COLUMNS = [
  'license_key',
  'product_id',
  'product_name',
  'type',
  'status',
  'expires_at',
  'max_uses',
  'hwid_locked',
  'level',
  'customer_email',
  'notes',
  'metadata',
  'policy_override',
  'created_at',
] as const

/** A license as an export row: LICENSE_COLUMNS of its DTO. */
export function licenseExportRow(l: LicenseDto): Record<string, unknown> {
  return Object.fromEntries(
    LICENSE_COLUMNS.map((c) => [c, (l as unknown as Record<string, unknown>)[c]]),
  )
}

const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v)
const num = z.preprocess(
  (v) => (typeof v === 'string' && v !== '' ? Number(v) : emptyToUndefined(v)),
  z.number().optional(),
)
const bool = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v === ''
        ? undefined
        : ['true', '1', 'yes'].includes(v.toLowerCase())
      : v,
  z.boolean().optional(),
)
const jsonObj = z.preprocess((v) => {
  if (typeof v !== 'string') return emptyToUndefined(v)
  if (v.trim() === '') return undefined
  try {
    return JSON.parse(v) as unknown
  } catch {
    return v // left for zod to refuse with a clear message
  }
}, boundedJson().optional())

/** One row of an import file, coerced from CSV strings or JSON values. */
const productRow = z.object({
  name: z.string(),
  description: z.preprocess(emptyToUndefined, z.string().optional()),
  is_active: bool,
  price_cents: num,
  currency: z.preprocess(emptyToUndefined, z.string().optional()),
  stock: num,
  license_defaults: jsonObj,
  policy: jsonObj,
})

const licenseRow = z.object({
  product_id: z.preprocess(emptyToUndefined, z.string().optional()),
  product_name: z.preprocess(emptyToUndefined, z.string().optional()),
  type: z.preprocess(emptyToUndefined, licenseTypeSchema.optional()),
  expires_at: z.preprocess(emptyToUndefined, z.string().optional()),
  max_uses: num,
  hwid_locked: bool,
  level: num,
  customer_email: z.preprocess(emptyToUndefined, z.string().optional()),
  notes: z.preprocess(emptyToUndefined, z.string().optional()),
  metadata: jsonObj,
  /** The license's own seat policy (export's `policy_override`), checked by createLicenseSchema. */
  policy_override: jsonObj,
})

function issueText(e: z.ZodError): string {
  return e.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
}

function parseFile(format: TransferFormat, content: string): Record<string, unknown>[] {
  if (format === 'json') {
    let data: unknown
    try {
      data = JSON.parse(content)
    } catch {
      throw new DomainError('VALIDATION_ERROR', 'The file is not valid JSON')
    }
    if (!Array.isArray(data))
      throw new DomainError('VALIDATION_ERROR', 'The JSON file must hold an array of rows')
    return data as Record<string, unknown>[]
  }
  const parsed = Papa.parse<Record<string, string>>(content.trim(), {
    header: true,
    skipEmptyLines: true,
  })
  if (!parsed.meta.fields?.length)
    throw new DomainError('VALIDATION_ERROR', 'The CSV file has no header row')
  return parsed.data.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, csvCellValue(String(v ?? ''))])),
  )
}

/**
 * Import and export of products and licenses. Every imported row goes through the same
 * services (and schemas) as the console's own forms; a dry run validates every row and
 * reports per-row errors without writing anything.
 */
export function createTransferService(deps: {
  products: ProductsService
  licenses: LicensesService
}) {
  async function exportLicenses(actor: Actor): Promise<LicenseDto[]> {
    const out: LicenseDto[] = []
    for (let page = 1; out.length < EXPORT_LIMIT; page++) {
      const p = await deps.licenses.list(actor, {
        page,
        limit: 500,
        sort: 'created_at',
        order: 'asc',
      })
      out.push(...p.items)
      if (p.items.length < 500) break
    }
    return out
  }

  return {
    async export(actor: Actor, kind: TransferKind, format: TransferFormat) {
      const date = new Date().toISOString().slice(0, 10)
      const filename = `keywarden-${kind}-${date}.${format}`
      if (kind === 'products') {
        const items: ProductDto[] = await deps.products.list(actor)
        const rows = items.map((p) => Object.fromEntries(PRODUCT_COLUMNS.map((c) => [c, p[c]])))
        return {
          filename,
          count: rows.length,
          content: format === 'json' ? JSON.stringify(rows, null, 2) : toCsv(rows, PRODUCT_COLUMNS),
        }
      }
      const items = await exportLicenses(actor)
      const rows = items.map(licenseExportRow)
      return {
        filename,
        count: rows.length,
        content: format === 'json' ? JSON.stringify(rows, null, 2) : toCsv(rows, LICENSE_COLUMNS),
      }
    },

    async import(
      actor: Actor,
      kind: TransferKind,
      format: TransferFormat,
      content: string,
      dryRun: boolean,
    ): Promise<ImportReport> {
      const data = parseFile(format, content)
      if (data.length > IMPORT_LIMIT) {
        throw new DomainError(
          'VALIDATION_ERROR',
          `At most ${IMPORT_LIMIT} rows per import (this file has ${data.length})`,
        )
      }
      const products = await deps.products.list(actor)
      const byName = new Map(products.map((p) => [p.name.toLowerCase(), p]))
      const rows: ImportRowResult[] = []
      for (const [i, raw] of data.entries()) {
        const row = i + 1
        try {
          if (kind === 'products') {
            const r = productRow.safeParse(raw)
            const input = r.success ? createProductSchema.safeParse(r.data) : r
            if (!input.success) throw new DomainError('VALIDATION_ERROR', issueText(input.error))
            if (byName.has(input.data.name.toLowerCase())) {
              throw new DomainError(
                'CONFLICT',
                `A product named “${input.data.name}” already exists`,
              )
            }
            if (!dryRun) await deps.products.create(actor, input.data)
            byName.set(input.data.name.toLowerCase(), { name: input.data.name } as ProductDto)
            rows.push({ row, ok: true, label: input.data.name })
          } else {
            const r = licenseRow.safeParse(raw)
            if (!r.success) throw new DomainError('VALIDATION_ERROR', issueText(r.error))
            const product =
              products.find((p) => p.id === r.data.product_id) ??
              (r.data.product_name ? byName.get(r.data.product_name.toLowerCase()) : undefined)
            if (!product?.id)
              throw new DomainError(
                'PRODUCT_NOT_FOUND',
                'No product with that product_id or product_name',
              )
            const expires = r.data.expires_at ? new Date(r.data.expires_at) : null
            if (expires && Number.isNaN(expires.getTime()))
              throw new DomainError('VALIDATION_ERROR', 'expires_at: not a date')
            const input = createLicenseSchema.safeParse({
              ...r.data,
              product_id: product.id,
              expires_at: expires
                ? expires.toISOString()
                : r.data.expires_at === undefined
                  ? undefined
                  : null,
              product_name: undefined,
              policy_override: undefined,
              policy: r.data.policy_override,
            })
            if (!input.success) throw new DomainError('VALIDATION_ERROR', issueText(input.error))
            const label = dryRun
              ? `new key for ${product.name}`
              : (await deps.licenses.create(actor, input.data)).license_key
            rows.push({ row, ok: true, label })
          }
        } catch (e) {
          const label = String(
            (raw as Record<string, unknown>).name ??
              (raw as Record<string, unknown>).license_key ??
              '',
          )
          rows.push({
            row,
            ok: false,
            label,
            error: e instanceof DomainError ? e.message : 'Could not import this row',
          })
        }
      }
      const errors = rows.filter((r) => !r.ok).length
      return {
        dry_run: dryRun,
        total: rows.length,
        created: dryRun ? 0 : rows.length - errors,
        errors,
        rows,
      }
    },
  }
}

export type TransferService = ReturnType<typeof createTransferService>
