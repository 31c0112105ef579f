import { z } from 'zod'

/**
 * Backend API keys: what a key may do (scopes) and how one is created. Shared by the
 * management API, the console contract and the console's form, so one schema validates a
 * key request wherever it enters.
 */

/**
 * Every scope a key can hold. `admin` implies every other scope (a full-access key);
 * `*:write` does not imply `*:read`, so a write-only webhook handler cannot list licenses.
 */
export const API_KEY_SCOPES = [
  'licenses:read',
  'licenses:write',
  'products:read',
  'products:write',
  'security:read',
  'security:write',
  'webhooks:read',
  'webhooks:write',
  'store:read',
  'store:write',
  'stats:read',
  'notifications:read',
  'notifications:write',
  'admin',
] as const
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number]
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES)

/** One line per scope for the console's picker and the API docs. */
export const SCOPE_LABELS: Record<ApiKeyScope, string> = {
  'licenses:read': 'List and read licenses',
  'licenses:write': 'Create, update, suspend, reset and delete licenses',
  'products:read': 'List and read products',
  'products:write': 'Create, update and delete products',
  'security:read': 'Read the security log and blacklist',
  'security:write': 'Ban, blacklist and change security settings',
  'webhooks:read': 'List webhooks and deliveries',
  'webhooks:write': 'Create, update and delete webhooks',
  'store:read': 'Read orders and customers',
  'store:write': 'Create and change orders',
  'stats:read': 'Read statistics',
  'notifications:read': 'Read notifications',
  'notifications:write': 'Mark notifications read',
  admin: 'Everything, including accounts, API keys and account secrets',
}

/** One IPv4/IPv6 address, or a CIDR block of either. */
const ipOrCidr = z
  .string()
  .trim()
  .refine(
    (v) =>
      z.ipv4().safeParse(v).success ||
      z.ipv6().safeParse(v).success ||
      z.cidrv4().safeParse(v).success ||
      z.cidrv6().safeParse(v).success,
    {
      message: 'Each allow-list entry is an IP address or a CIDR block (203.0.113.0/24)',
    },
  )

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(100),
  scopes: z.array(apiKeyScopeSchema).min(1, 'Pick at least one scope').max(API_KEY_SCOPES.length),
  /** Restricts the key to one product: it sees and changes nothing else. */
  product_id: z.string().min(1).max(64).nullable().optional(),
  /** When set, the key stops working at this instant (must be in the future). */
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  /** Requests are only accepted from these addresses; empty or absent = any. */
  ip_allowlist: z.array(ipOrCidr).max(50).optional(),
  /** Sensitive requests must carry X-Timestamp and X-Signature (HMAC-SHA256). */
  require_signature: z.boolean().optional(),
})
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>

/** A key as listed: never the key or the secret themselves. */
export interface ApiKeyDto {
  id: string
  name: string
  /** The visible start of the key (`kw_live_ab12cd34`), to tell keys apart. */
  prefix: string
  scopes: ApiKeyScope[]
  product_id: string | null
  require_signature: boolean
  ip_allowlist: string[]
  expires_at: string | null
  last_used_at: string | null
  last_used_ip: string | null
  revoked_at: string | null
  created_at: string
  account_id: string | null
}

/** What creating a key answers, once: the key (X-API-Key) and the signing secret. */
export interface CreatedApiKeyDto extends ApiKeyDto {
  key: string
  secret: string
}

/** The signature header scheme, for docs and the console's signing example. */
export const SIGNATURE_WINDOW_SECONDS = 300

/** The listed shape as a schema, for response validation and the OpenAPI document. */
export const apiKeyDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  product_id: z.string().nullable(),
  require_signature: z.boolean(),
  ip_allowlist: z.array(z.string()),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  last_used_ip: z.string().nullable(),
  revoked_at: z.string().nullable(),
  created_at: z.string(),
  account_id: z.string().nullable(),
})

export const createdApiKeyDtoSchema = apiKeyDtoSchema.extend({
  key: z.string().describe('Send as X-API-Key. Shown once.'),
  secret: z.string().describe('HMAC-SHA256 signing secret. Shown once.'),
})

/** The exact text a request signature covers: METHOD \n PATH \n TIMESTAMP \n BODY. */
export function stringToSignText(
  method: string,
  path: string,
  timestamp: string,
  body: string,
): string {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${body}`
}

export interface SigningExampleInput {
  /** Server base URL, e.g. http://127.0.0.1:47293 */
  baseUrl: string
  /** The full key when known (just created), else its visible prefix. */
  key: string
  /** The signing secret when known (just created); otherwise a placeholder is printed. */
  secret?: string
  method: string
  /** Path as it will be sent, query string included. */
  path: string
  body: string
  timestamp: string
}

/** Single-quotes a value for a POSIX shell. */
const sh = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`

/**
 * The console's "signing example": the exact string to sign for one request, and a bash +
 * openssl + curl snippet that computes the signature the same way and sends the request.
 */
export function signingExample(i: SigningExampleInput): { stringToSign: string; curl: string } {
  const method = i.method.toUpperCase()
  const hasBody = i.body !== ''
  const lines = [
    `KEY=${sh(i.key)}`,
    `SECRET=${i.secret ? sh(i.secret) : "'<the secret shown when the key was created>'"}`,
    'TS=$(date +%s)',
    `BODY=${sh(i.body)}`,
    `SIG=$(printf '%s\\n%s\\n%s\\n%s' ${sh(method)} ${sh(i.path)} "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64)`,
    [
      `curl -sS -X ${method} ${sh(i.baseUrl.replace(/\/$/, '') + i.path)}`,
      `-H "X-API-Key: $KEY" -H "X-Timestamp: $TS" -H "X-Signature: $SIG"`,
      ...(hasBody ? [`-H 'Content-Type: application/json' --data-raw "$BODY"`] : []),
    ].join(' \\\n  '),
  ]
  return {
    stringToSign: stringToSignText(method, i.path, i.timestamp, i.body),
    curl: lines.join('\n'),
  }
}
