import { createCipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  envelopeKey,
  envelopeSignature,
  openEnvelope,
  sealEnvelope,
  verifyEnvelopeSignature,
} from './envelope'

const SECRET = 'sk_live_' + 'a'.repeat(48)

describe('envelope crypto', () => {
  it('derives the AES key as the SDKs do: first 32 UTF-8 bytes, NUL-padded', () => {
    expect(envelopeKey(SECRET)).toEqual(Buffer.from(SECRET).subarray(0, 32))
    expect(envelopeKey('short')).toEqual(Buffer.concat([Buffer.from('short'), Buffer.alloc(27)]))
  })

  it('seals with a 12-byte nonce and opens its own envelopes; another key cannot', () => {
    const e = sealEnvelope(SECRET, '{"a":1}')
    expect(e.iv).toHaveLength(24)
    expect(openEnvelope(SECRET, e)?.toString()).toBe('{"a":1}')
    expect(openEnvelope('sk_live_' + 'b'.repeat(48), e)).toBeNull()
    expect(
      openEnvelope(SECRET, { ...e, tag: e.tag.replace(/^./, (c) => (c === '0' ? '1' : '0')) }),
    ).toBeNull()
  })

  it('opens a 16-byte-IV envelope (Node/Python SDKs) and a Go-style one (first 12 bytes as nonce)', () => {
    const iv = randomBytes(16)
    for (const nonce of [iv, iv.subarray(0, 12)]) {
      const c = createCipheriv('aes-256-gcm', envelopeKey(SECRET), nonce)
      const data = Buffer.concat([c.update('hi'), c.final()]).toString('hex')
      const e = { iv: iv.toString('hex'), data, tag: c.getAuthTag().toString('hex') }
      expect(openEnvelope(SECRET, e)?.toString()).toBe('hi')
    }
  })

  it('HMAC over iv:data:tag:timestamp, compared case-insensitively', () => {
    const e = { iv: 'aa', data: 'bb', tag: 'cc' }
    const sig = envelopeSignature(SECRET, e, 1704067200000)
    expect(verifyEnvelopeSignature(SECRET, e, 1704067200000, sig.toUpperCase())).toBe(true)
    expect(verifyEnvelopeSignature(SECRET, e, 1704067200001, sig)).toBe(false)
  })
})
