import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * SellRealm's "encrypted" parameters (`key`, `hwid`, `reason`), with a scheme the reference
 * leaves unnamed, defined here and documented in the README:
 *
 *   k     = HKDF-SHA256(ikm = auth_secret (UTF-8), salt = "keywarden-sellrealm", info = "params-v1", 32 bytes)
 *   value = "enc:v1:" + base64url(iv[12] | AES-256-GCM(k, iv, plaintext, aad = parameter name) | tag[16])
 *
 * The parameter name as associated data stops a ciphertext made for `hwid` from being
 * replayed as `key`. A value without the marker is taken as plaintext (fine over TLS).
 */
export const ENC_PREFIX = 'enc:v1:'
const SALT = 'keywarden-sellrealm'
const INFO = 'params-v1'
const IV_BYTES = 12
const TAG_BYTES = 16

/** The AES-256 key derived from an account's auth_secret. */
export function deriveParamKey(authSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(authSecret, 'utf8'), SALT, INFO, 32))
}

/** Encrypts one parameter (what a client SDK does); `iv` is fixed only in tests and docs. */
export function encryptParam(
  authSecret: string,
  name: string,
  plaintext: string,
  iv = randomBytes(IV_BYTES),
): string {
  const cipher = createCipheriv('aes-256-gcm', deriveParamKey(authSecret), iv)
  cipher.setAAD(Buffer.from(name, 'utf8'))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return ENC_PREFIX + Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64url')
}

export class BadCiphertextError extends Error {
  readonly param: string
  constructor(param: string) {
    super(`Could not decrypt parameter "${param}"`)
    this.name = 'BadCiphertextError'
    this.param = param
  }
}

/**
 * The plaintext of one parameter: decrypted when it carries the marker, as sent otherwise.
 * Throws BadCiphertextError when the value is marked but malformed, tampered with, or
 * encrypted under another auth_secret or for another parameter.
 */
export function decodeParam(authSecret: string, name: string, value: string): string {
  if (!value.startsWith(ENC_PREFIX)) return value
  const raw = Buffer.from(value.slice(ENC_PREFIX.length), 'base64url')
  if (raw.length < IV_BYTES + TAG_BYTES) throw new BadCiphertextError(name)
  const iv = raw.subarray(0, IV_BYTES)
  const tag = raw.subarray(raw.length - TAG_BYTES)
  const ct = raw.subarray(IV_BYTES, raw.length - TAG_BYTES)
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveParamKey(authSecret), iv, {
      authTagLength: TAG_BYTES,
    })
    decipher.setAAD(Buffer.from(name, 'utf8'))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8')
  } catch {
    throw new BadCiphertextError(name)
  }
}
