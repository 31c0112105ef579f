import { createHmac, sign as signCb, type KeyObject } from 'node:crypto'

/**
 * Server response signatures (RSA PKCS#1 v1.5 over SHA-512, base64), in the shape the official
 * LicenseCM SDKs verify: the Node.js SDK checks `JSON.stringify(data.data)` and the Python SDK
 * `json.dumps(data["data"])`. Those two serialisers agree on a JSON *string* made of printable
 * ASCII (they differ on objects: Python adds spaces), so the signed payload travels as
 * `data.data = "<canonical JSON>"` with every non-ASCII, `<`, `>`, `&` and DEL escaped
 * (Go's encoder escapes those three too). The signed bytes are the quoted string literal.
 */
export function canonicalPayload(payload: unknown): string {
  return JSON.stringify(payload).replace(
    /[\u007f-\uffff<>&]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  )
}

/** The exact bytes both SDKs hash: the JSON encoding of the `data.data` string. */
export function signedBytes(data: string): Buffer {
  return Buffer.from(JSON.stringify(data), 'utf8')
}

/**
 * Signs in libuv's thread pool (crypto.sign with a callback), so a 4096-bit signature (~2–4 ms
 * of CPU) never stalls the event loop, and keeps the signatures of recent identical payloads:
 * a payload that repeats (a validate answer within its minute) is signed once.
 */
/**
 * A signature cache every process serving the database shares (services/licensing/
 * signature-cache.ts): what one worker signed, the others reuse instead of signing again.
 */
export interface SharedSignatures {
  find(data: string): Promise<string | undefined>
  keep(data: string, signature: string, untilMs: number): void
}

export function createSigner(privateKey: KeyObject, cacheSize = 5_000, shared?: SharedSignatures) {
  const cache = new Map<string, Promise<string>>()
  let signed = 0
  let hits = 0

  function signNow(bytes: Buffer): Promise<string> {
    return new Promise((resolve, reject) =>
      signCb('sha512', bytes, privateKey, (err, sig) =>
        err ? reject(err) : resolve(sig.toString('base64')),
      ),
    )
  }

  return {
    /**
     * Base64 signature of `signedBytes(data)`. Identical concurrent payloads share one signing.
     * `shareUntilMs`: the payload repeats until then (a validate answer's minute), so with a
     * shared cache another process's signature of it is looked up first, and one made here kept.
     */
    sign(data: string, shareUntilMs?: number): Promise<string> {
      const hit = cache.get(data)
      if (hit) {
        hits++
        return hit
      }
      const own = () => {
        signed++
        return signNow(signedBytes(data))
      }
      const p =
        shared && shareUntilMs !== undefined
          ? shared.find(data).then(async (found) => {
              if (found !== undefined) {
                hits++
                return found
              }
              const sig = await own()
              shared.keep(data, sig, shareUntilMs)
              return sig
            })
          : own()
      // Oldest-first eviction: Map iterates in insertion order.
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string)
      cache.set(data, p)
      p.catch(() => cache.delete(data))
      return p
    },
    stats: () => ({ signed, hits, cached: cache.size }),
  }
}

export type Signer = ReturnType<typeof createSigner>

/**
 * A per-license watermark: HMAC of the license id under a key derived from the server's private
 * key. Stable for a license, unguessable without the server, so a leaked response or a cracked
 * build can be traced back to the license it came from.
 */
export function watermarkKey(privateKey: KeyObject): Buffer {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' })
  return createHmac('sha256', 'keywarden-watermark-v1').update(der).digest()
}

export function watermark(key: Buffer, licenseId: string): string {
  return createHmac('sha256', key).update(licenseId).digest('hex').slice(0, 32)
}
