import { z } from 'zod'

/**
 * A product's runtime rules (issue 14): where its licenses may run (domain rules and
 * environments) and what running software receives (injectables). Shared by the console's
 * channels and the services; the DevPayr adapter has its own wire schemas over the same inputs.
 */
export const ENVIRONMENT_NAMES = ['production', 'staging', 'test', 'development'] as const
export const environmentSchema = z.enum(ENVIRONMENT_NAMES)
export type EnvironmentName = z.infer<typeof environmentSchema>

export interface ProductDomainDto {
  id: string
  product_id: string
  /** An exact identifier/domain, or a `*.example.com` wildcard. */
  domain: string
  environment: EnvironmentName
  is_active: boolean
  is_primary: boolean
  created_at: string
  updated_at: string
}

export const domainInputSchema = z.object({
  domain: z.string().trim().min(1, 'Enter a domain').max(253),
  environment: environmentSchema.optional(),
  is_active: z.boolean().optional(),
  is_primary: z.boolean().optional(),
})
export type DomainInput = z.infer<typeof domainInputSchema>
export const domainPatchSchema = domainInputSchema.partial()
export type DomainPatch = z.infer<typeof domainPatchSchema>

export const INJECTABLE_MODES = ['append', 'prepend', 'replace'] as const
export const injectableModeSchema = z.enum(INJECTABLE_MODES)

/** An injectable as listed: its encrypted wire form only, never the plaintext or the secret. */
export interface InjectableDto {
  id: string
  product_id: string
  title: string
  slug: string
  type: string
  mode: (typeof INJECTABLE_MODES)[number]
  target_path: string | null
  /** Base64(IV ‖ '::' ‖ Base64(AES-256-CBC(SHA-256(secret), IV, plaintext))) */
  content: string
  /** hex HMAC-SHA256(secret, content) */
  signature: string
  /** hex SHA-256(plaintext) */
  content_hash: string
  only_if_paid: boolean
  is_active: boolean
  created_at: string
  updated_at: string
}

const slugSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, "-" and "_" only')

export const injectableInputSchema = z.object({
  title: z.string().trim().min(1, 'Enter a title').max(200),
  slug: slugSchema.optional(),
  type: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[a-z0-9_-]+$/i, 'letters, digits, "-" and "_" only')
    .default('snippet'),
  mode: injectableModeSchema.default('append'),
  target_path: z.string().trim().max(1000).nullable().optional(),
  /** The plaintext, encrypted before it is stored (1 MiB at most). */
  content: z.string().max(1024 * 1024),
  /** The secret that encrypts and signs it (the client's SDK holds the same). */
  secret: z.string().min(8, 'secret: at least 8 characters').max(500),
  only_if_paid: z.boolean().optional(),
  is_active: z.boolean().optional(),
})
export type InjectableInput = z.input<typeof injectableInputSchema>
export const injectablePatchSchema = injectableInputSchema
  .partial()
  .extend({ type: injectableInputSchema.shape.type.unwrap().optional() })
  .extend({ mode: injectableModeSchema.optional() })
export type InjectablePatch = z.input<typeof injectablePatchSchema>

/** The injectable's fields other than its content (which may also arrive as bytes). */
export const injectableFieldsSchema = injectableInputSchema.omit({ content: true })
export type InjectableFields = z.output<typeof injectableFieldsSchema>
export const injectablePatchFieldsSchema = injectablePatchSchema.omit({ content: true })
export type InjectablePatchFields = z.output<typeof injectablePatchFieldsSchema>
