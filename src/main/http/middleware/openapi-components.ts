import { z } from 'zod'
import { ERROR_SCHEMAS } from './error-schemas'
import { surfaceOf } from '../errors'

/** The document's protocols (the web console's own RPC is not part of it). */
export type DocumentedProtocol = 'licensecm' | 'sellrealm' | 'devpayr' | 'hirez'

const PREFIX: Record<DocumentedProtocol, string> = {
  licensecm: 'Licensecm',
  sellrealm: 'Sellrealm',
  devpayr: 'Devpayr',
  hirez: 'Hirez',
}

/** The reusable error answers: status, component name suffix and description. */
const ERRORS: Record<number, [name: string, description: string]> = {
  400: ['BadRequest', 'The request is invalid (validation, malformed body)'],
  401: ['Unauthorized', 'Missing or invalid credentials'],
  403: ['Forbidden', 'The credentials do not allow this call (scope, product, signature, ban)'],
  404: ['NotFound', 'No such resource (or not visible to these credentials)'],
  409: [
    'Conflict',
    'Conflicts with the current state (or an Idempotency-Key reused with another body)',
  ],
  422: ['UnprocessableEntity', 'Well-formed but refused by a rule'],
  429: ['TooManyRequests', 'Rate limit exceeded: retry after `Retry-After` seconds'],
  500: ['ServerError', 'Unexpected server error (details only in the server log)'],
}

/** The protocol a documented path belongs to. */
export function protocolOf(path: string): DocumentedProtocol {
  const s = surfaceOf(path)
  if (s === 'sellrealm-license' || s === 'sellrealm-store') return 'sellrealm'
  if (s === 'devpayr' || s === 'hirez') return s
  return 'licensecm'
}

/** Which error answers an operation may give, by protocol, credentials and retry-safety. */
export function errorStatuses(
  protocol: DocumentedProtocol,
  op: { secured: boolean; idempotent: boolean; rateLimited: boolean; existing: number[] },
): number[] {
  if (protocol === 'hirez') return [404, 500] // refusals are 200 answers with a ret_msg
  const s = new Set<number>([400, 404, 500, ...op.existing.filter((c) => c >= 400)])
  if (op.secured) [401, 403].forEach((c) => s.add(c))
  if (op.idempotent) s.add(409)
  if (op.rateLimited) s.add(429)
  return [...s].filter((c) => ERRORS[c]).sort()
}

/** `#/components/responses/<name>` of a protocol's error answer. */
export function errorResponseRef(protocol: DocumentedProtocol, status: number): { $ref: string } {
  return { $ref: `#/components/responses/${PREFIX[protocol]}${ERRORS[status][0]}` }
}

/** Success bodies for the routes that declare no response schema (the envelope only). */
const SUCCESS_SCHEMAS = {
  LicensecmSuccess: z.object({ success: z.literal(true), data: z.unknown() }),
  SellrealmSuccess: z.object({}).loose(),
}

export function defaultSuccessRef(protocol: DocumentedProtocol): { $ref: string } | undefined {
  if (protocol === 'licensecm') return { $ref: '#/components/schemas/LicensecmSuccess' }
  if (protocol === 'sellrealm') return { $ref: '#/components/schemas/SellrealmSuccess' }
  return undefined
}

const jsonSchema = (s: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' })
  return rest
}

/** components.schemas and components.responses for every protocol's error answers. */
export function errorComponents(): {
  schemas: Record<string, unknown>
  responses: Record<string, unknown>
} {
  const schemas: Record<string, unknown> = {}
  for (const [name, s] of Object.entries({ ...ERROR_SCHEMAS, ...SUCCESS_SCHEMAS })) {
    schemas[name] = jsonSchema(s)
  }
  const responses: Record<string, unknown> = {}
  for (const [protocol, prefix] of Object.entries(PREFIX)) {
    for (const [status, [name, description]] of Object.entries(ERRORS)) {
      if (protocol === 'hirez' && status !== '404' && status !== '500') continue
      if (protocol !== 'devpayr' && status === '422') continue
      responses[`${prefix}${name}`] = {
        description,
        content: {
          'application/json': { schema: { $ref: `#/components/schemas/${prefix}Error` } },
        },
      }
    }
  }
  return { schemas, responses }
}

/**
 * A stable, unique operationId from the protocol, method and path:
 * `GET /api/licenses/{id}/logs` -> `licensecmGetLicensesByIdLogs`. Hi-Rez paths are named by
 * their method segment alone (its signed path parameters are the same on every method).
 */
export function operationIdOf(method: string, path: string): string {
  const protocol = protocolOf(path)
  const rest = path.replace(/^\/devpayr\/api\/v1|^\/api\/v0|^\/api\/v1|^\/api|^\/hirez/, '')
  const pascal = (w: string) =>
    w
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((p) => p[0].toUpperCase() + p.slice(1))
      .join('')
  const words = rest
    .split('/')
    .filter(Boolean)
    .flatMap((seg) => {
      const param = /^\{(.+)\}$/.exec(seg)
      if (!param) return [pascal(seg)]
      return protocol === 'hirez' ? [] : [`By${pascal(param[1])}`]
    })
  const area = /^\/api\/v0/.test(path) ? 'License' : /^\/api\/v1/.test(path) ? 'Store' : ''
  return `${protocol}${area}${pascal(method.toLowerCase())}${words.join('')}`
}
