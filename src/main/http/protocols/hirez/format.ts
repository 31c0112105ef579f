import { XMLBuilder } from 'fast-xml-parser'
import type { FastifyReply } from 'fastify'

/** The two response formats every method has, by its URL suffix (`pingjson`, `pingxml`). */
export type Format = 'json' | 'xml'

/** A flat answer record: what each element of an array answer (or createsession's) holds. */
export type Row = Record<string, string | number | boolean | null>

/**
 * One method's answer in a format-neutral shape: a string (ping, testsession), one record
 * (createsession) or an array of records (everything else). `element` names the record in
 * XML (`DataUsed` -> `<ArrayOfDataUsed><DataUsed>…</DataUsed></ArrayOfDataUsed>`).
 */
export type Answer =
  | { kind: 'string'; value: string }
  | { kind: 'object'; element: string; value: Row }
  | { kind: 'array'; element: string; value: Row[] }

// fast-xml-parser's builder: escapes text, one element per field; `@_nil` marks a null.
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
  // Keep nil="true" spelled out (the default would write a bare, non-XML-1.0 `nil`).
  suppressBooleanAttributes: false,
})

/** XML nodes of a record: one element per field, null as `<field nil="true"/>`. */
function nodeOf(r: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(r)) out[k] = v === null ? { '@_nil': 'true' } : String(v)
  return out
}

/** The answer as the XML document the `...xml` spelling of the method returns. */
export function toXml(a: Answer): string {
  const head = '<?xml version="1.0" encoding="utf-8"?>'
  if (a.kind === 'string') return head + builder.build({ string: a.value })
  if (a.kind === 'object') return head + builder.build({ [a.element]: nodeOf(a.value) })
  const items = a.value.map(nodeOf)
  return (
    head + builder.build({ [`ArrayOf${a.element}`]: items.length ? { [a.element]: items } : '' })
  )
}

/** The answer as JSON (what the `...json` spelling returns): a string, an object or an array. */
export function toJson(a: Answer): unknown {
  return a.value
}

/** Sends an answer in the call's format, always with the status given (200 unless told). */
export function sendAnswer(reply: FastifyReply, format: Format, a: Answer, status = 200) {
  if (format === 'xml') {
    return reply.status(status).type('application/xml; charset=utf-8').send(toXml(a))
  }
  // A JSON string answer (ping, testsession) is a JSON string literal, as the reference sends.
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(toJson(a)))
}

/** The format a request path asks for, by its method segment's suffix (JSON when it names none). */
export function formatOfUrl(url: string): Format {
  const seg = /^\/hirez\/([^/?#]*)/i.exec(url)?.[1] ?? ''
  return /xml$/i.test(seg) ? 'xml' : 'json'
}
