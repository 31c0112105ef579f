import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto'

/**
 * DevPayr's injectable format (issue 14), which its SDKs decrypt:
 *   content      = Base64( IV (16 raw bytes) ‖ "::" ‖ Base64( AES-256-CBC-PKCS7(key, IV, plaintext) ) )
 *   key          = SHA-256(secret)
 *   signature    = hex HMAC-SHA256(key = secret, message = content)
 *   content_hash = hex SHA-256(plaintext)
 * The SDKs split the decoded content on the first "::", so the IV is drawn again until it holds
 * no "::" and does not end in ":" (either would move the split into the IV).
 */
export interface SealedInjectable {
  content: string
  signature: string
  content_hash: string
}

const SEP = Buffer.from('::')

/** An IV the "::" split cannot cut wrongly: no "::" inside, no ':' at its end. */
export function usableIv(iv: Buffer): boolean {
  return iv.length === 16 && !iv.includes(SEP) && iv[15] !== 0x3a
}

function drawIv(): Buffer {
  for (;;) {
    const iv = randomBytes(16)
    if (usableIv(iv)) return iv
  }
}

const keyOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest()

/** Encrypts `plaintext` for the wire; `iv` only for the worked example's test. */
export function encryptInjectable(
  secret: string,
  plaintext: Buffer | string,
  iv: Buffer = drawIv(),
): SealedInjectable {
  if (!usableIv(iv)) throw new Error('IV must be 16 bytes with no "::" and no trailing ":"')
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext
  const c = createCipheriv('aes-256-cbc', keyOf(secret), iv)
  const inner = Buffer.concat([c.update(data), c.final()]).toString('base64')
  const content = Buffer.concat([iv, SEP, Buffer.from(inner, 'ascii')]).toString('base64')
  return {
    content,
    signature: signInjectable(secret, content),
    content_hash: createHash('sha256').update(data).digest('hex'),
  }
}

/** hex HMAC-SHA256(key = secret, message = content). */
export function signInjectable(secret: string, content: string): string {
  return createHmac('sha256', secret).update(content, 'utf8').digest('hex')
}

/** The reverse of encryptInjectable, as a client does it (tests, the console never). */
export function decryptInjectable(secret: string, content: string): Buffer {
  const raw = Buffer.from(content, 'base64')
  const at = raw.indexOf(SEP)
  if (at !== 16) throw new Error('Not an injectable: no 16-byte IV before "::"')
  const iv = raw.subarray(0, 16)
  const inner = Buffer.from(raw.subarray(18).toString('ascii'), 'base64')
  const d = createDecipheriv('aes-256-cbc', keyOf(secret), iv)
  return Buffer.concat([d.update(inner), d.final()])
}
