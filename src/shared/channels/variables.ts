import { z } from 'zod'
import { channel } from './channel'

/** Largest file a file variable may hold (decoded bytes). Returned base64 on every login. */
export const MAX_VARIABLE_FILE_BYTES = 256 * 1024
/** Largest string variable, in characters. */
export const MAX_VARIABLE_STRING = 64 * 1024

export const variableNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Name: 1-64 letters, digits, "_", "." or "-"')

/** Base64 of at most MAX_VARIABLE_FILE_BYTES bytes (checked exactly after decoding). */
const fileDataSchema = z
  .base64('File data must be base64')
  .max(
    Math.ceil(MAX_VARIABLE_FILE_BYTES / 3) * 4,
    `File is larger than ${MAX_VARIABLE_FILE_BYTES / 1024} KiB`,
  )

/** Create or replace one variable (by name) in a product's or a license's scope. */
export const upsertVariableSchema = z.discriminatedUnion('type', [
  z.object({
    name: variableNameSchema,
    type: z.literal('string'),
    value: z.string().max(MAX_VARIABLE_STRING),
  }),
  z.object({ name: variableNameSchema, type: z.literal('boolean'), value: z.boolean() }),
  z.object({
    name: variableNameSchema,
    type: z.literal('file'),
    file_name: z.string().trim().min(1, 'File name is required').max(255),
    data: fileDataSchema,
  }),
])
export type UpsertVariableInput = z.infer<typeof upsertVariableSchema>

export type VariableType = 'string' | 'boolean' | 'file'

/** One variable as the console and the management API show it (file bytes left out). */
export interface VariableDto {
  id: string
  scope: 'product' | 'license'
  product_id: string | null
  license_id: string | null
  name: string
  type: VariableType
  /** The string or boolean value; null for files (see `file`). */
  value: string | boolean | null
  file: { name: string; size: number } | null
  created_at: string
  updated_at: string
}

/** What a client receives on login for a file variable. */
export interface VariableFileValue {
  name: string
  size: number
  data: string
}

export const variableScopeSchema = z.union([
  z.object({ product_id: z.string().min(1) }).strict(),
  z.object({ license_id: z.string().min(1) }).strict(),
])
export type VariableScope = z.infer<typeof variableScopeSchema>

/** Product- and license-scoped variables (license ones override a product's by name). */
export const variablesChannels = {
  'variables.list': channel(z.object({ scope: variableScopeSchema }))
    .for('user')
    .returns<VariableDto[]>(),
  'variables.upsert': channel(
    z.object({ scope: variableScopeSchema, variable: upsertVariableSchema }),
  )
    .for('user')
    .returns<VariableDto>(),
  'variables.delete': channel(
    z.object({ scope: variableScopeSchema, name: z.string().min(1).max(64) }),
  )
    .for('user')
    .returns<{
      deleted: true
    }>(),
  /** The file's bytes, base64, for download from the console. */
  'variables.file': channel(
    z.object({ scope: variableScopeSchema, name: z.string().min(1).max(64) }),
  )
    .for('user')
    .returns<VariableFileValue>(),
} as const
