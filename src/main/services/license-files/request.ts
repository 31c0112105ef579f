import { DomainError } from '@shared/errors'

/**
 * The air-gapped activation request an app writes for its vendor (no network needed on the
 * customer's side): `-----BEGIN LICENSE REQUEST-----`, the base64 of
 * `{"format":"keywarden-license-request/1","license_key","fingerprint","product_id"?,"created"?}`,
 * `-----END LICENSE REQUEST-----`. It is not signed: the app holds no secret the vendor could
 * check besides the license key it carries, and the vendor's console decides with that key
 * (the engine's refusals and the license's machine limit) exactly as an online activation.
 */
export const REQUEST_FORMAT = 'keywarden-license-request/1'
export const REQUEST_HEADER = '-----BEGIN LICENSE REQUEST-----'
export const REQUEST_FOOTER = '-----END LICENSE REQUEST-----'

export interface LicenseRequestFile {
  license_key: string
  fingerprint: string
  product_id?: string
  created?: string
}

const VISIBLE = /^[\x21-\x7e]{1,256}$/

/** Parses a request file's text (armoured, or the bare JSON), refusing with VALIDATION_ERROR. */
export function parseLicenseRequest(text: string): LicenseRequestFile {
  const bad = (why: string) => new DomainError('VALIDATION_ERROR', `request: ${why}`)
  let json: unknown
  try {
    const m = /-----BEGIN LICENSE REQUEST-----([\s\S]*?)-----END LICENSE REQUEST-----/.exec(text)
    json = JSON.parse(
      m ? Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8') : text.trim(),
    )
  } catch {
    throw bad('is not a license request file')
  }
  const r = json as Record<string, unknown>
  if (!r || typeof r !== 'object' || r.format !== REQUEST_FORMAT) {
    throw bad(`format must be ${REQUEST_FORMAT}`)
  }
  if (typeof r.license_key !== 'string' || !VISIBLE.test(r.license_key))
    throw bad('license_key is missing')
  if (typeof r.fingerprint !== 'string' || !VISIBLE.test(r.fingerprint))
    throw bad('fingerprint is missing')
  if (r.product_id !== undefined && typeof r.product_id !== 'string')
    throw bad('product_id must be a string')
  return {
    license_key: r.license_key,
    fingerprint: r.fingerprint,
    ...(typeof r.product_id === 'string' && { product_id: r.product_id }),
    ...(typeof r.created === 'string' && { created: r.created }),
  }
}
