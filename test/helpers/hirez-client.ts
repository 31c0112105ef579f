import { createHash } from 'node:crypto'
import { XMLParser } from 'fast-xml-parser'

/**
 * A client of the Hi-Rez-style developer API written from the reference, building URLs as the
 * existing client libraries do: signature = md5(devId + method + authKey + timestamp), the
 * method lowercase and without its format, timestamp `YYYYMMDDHHmmss` UTC, then
 * `/{Method}{Format}/{devId}/{signature}/{session}/{timestamp}/{params...}`.
 */
export function md5Signature(devId: number, method: string, authKey: string, timestamp: string) {
  return createHash('md5').update(`${devId}${method}${authKey}${timestamp}`).digest('hex')
}

/** `YYYYMMDDHHmmss`, UTC (the reference's getTimeStamp). */
export function timestampOf(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

export interface HirezAnswer {
  status: number
  contentType: string | null
  text: string
  /** JSON answers parsed; XML answers as text (see parseXml). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

export interface CallOptions {
  format?: 'json' | 'xml'
  /** How the method is spelled in the URL (default: lowercase); the signature uses lowercase. */
  spelling?: string
  /** null: no session segment at all. */
  session?: string | null
  timestamp?: string
  signature?: string
  devId?: number | string
}

export class HirezClient {
  session: string | null = null
  constructor(
    readonly base: string,
    readonly devId: number,
    public authKey: string,
    readonly clock: () => Date = () => new Date(),
  ) {}

  url(method: string, params: (string | number)[] = [], o: CallOptions = {}): string {
    const m = method.toLowerCase()
    const ts = o.timestamp ?? timestampOf(this.clock())
    const sig = o.signature ?? md5Signature(this.devId, m, this.authKey, ts)
    const session = o.session === undefined ? this.session : o.session
    const segs = [
      `${o.spelling ?? m}${o.format ?? 'json'}`,
      o.devId ?? this.devId,
      sig,
      ...(m === 'createsession' || session === null ? [] : [session]),
      ts,
      ...params,
    ]
    return `${this.base}/hirez/${segs.map((s) => encodeURIComponent(String(s))).join('/')}`
  }

  call(method: string, params: (string | number)[] = [], o: CallOptions = {}) {
    return get(this.url(method, params, o))
  }

  /** createsession; keeps the session for the next calls. */
  async createSession(o: CallOptions = {}) {
    const r = await this.call('createsession', [], o)
    if (r.body?.ret_msg === 'Approved') this.session = r.body.session_id
    return r
  }
}

export async function get(url: string): Promise<HirezAnswer> {
  const res = await fetch(url)
  const text = await res.text()
  const contentType = res.headers.get('content-type')
  let body: unknown = text
  if (contentType?.includes('json')) body = JSON.parse(text)
  return { status: res.status, contentType, text, body }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (_name, path) => /^ArrayOf\w+\.\w+$/.test(String(path)),
})

/**
 * An XML answer as JSON-comparable data: `<string>` -> the string, `<ArrayOfX><X>…` -> an
 * array of records, one record element -> the record; `nil="true"` -> null, values as text
 * (compare with `asText` of the JSON answer).
 */
export function parseXml(xml: string): unknown {
  const doc = parser.parse(xml) as Record<string, unknown>
  const [root] = Object.keys(doc).filter((k) => k !== '?xml')
  const value = doc[root]
  if (root === 'string') return value
  const record = (r: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        v && typeof v === 'object' && (v as Record<string, unknown>)['@_nil'] === 'true' ? null : v,
      ]),
    )
  if (root.startsWith('ArrayOf')) {
    const items = value === '' ? [] : (value as Record<string, unknown[]>)[root.slice(7)]
    return (items ?? []).map((r) => record(r as Record<string, unknown>))
  }
  return record(value as Record<string, unknown>)
}

/** A JSON answer with every number and boolean as text: what its XML twin must parse to. */
export function asText(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(asText)
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asText(x)]))
  }
  return v === null || typeof v === 'string' ? v : String(v)
}
