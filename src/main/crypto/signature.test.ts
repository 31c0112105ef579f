import { createHmac } from 'node:crypto'
import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { signRequest, signatureMatches, stringToSign } from './signature'

// The reference's Python example (Realm AI, "Signature Authentication"), with the clock
// pinned so that the run is reproducible: the same inputs must give the same Base64 bytes.
const example = {
  secret: 'YOUR_API_SECRET',
  method: 'POST',
  path: '/v1/marketplace/listings',
  timestamp: '1700000000',
  body: '{"modelId": "model_123", "price": 10.5}',
}

const python = `
import hmac, hashlib, base64, sys
api_secret = sys.argv[1]
method = sys.argv[2]
path = sys.argv[3]
timestamp = sys.argv[4]
body = sys.argv[5]
string_to_sign = f"{method}\\n{path}\\n{timestamp}\\n{body}"
signature = base64.b64encode(hmac.new(
    api_secret.encode('utf-8'),
    string_to_sign.encode('utf-8'),
    hashlib.sha256
).digest()).decode('utf-8')
print(signature)
`

const hasPython = spawnSync('python3', ['--version']).status === 0

describe('request signatures', () => {
  it('signs METHOD\\nPATH\\nTIMESTAMP\\nBODY with HMAC-SHA256, Base64', () => {
    const r = {
      method: example.method,
      path: example.path,
      timestamp: example.timestamp,
      body: example.body,
    }
    expect(stringToSign(r).toString('utf8')).toBe(
      'POST\n/v1/marketplace/listings\n1700000000\n{"modelId": "model_123", "price": 10.5}',
    )
    const independent = createHmac('sha256', example.secret)
      .update(`${example.method}\n${example.path}\n${example.timestamp}\n${example.body}`)
      .digest('base64')
    expect(signRequest(example.secret, r)).toBe(independent)
    expect(signatureMatches(example.secret, r, independent)).toBe(true)
  })

  it.runIf(hasPython || process.env.CI === 'true')(
    "matches the reference's Python snippet byte for byte",
    () => {
      const out = execFileSync('python3', [
        '-c',
        python,
        example.secret,
        example.method,
        example.path,
        example.timestamp,
        example.body,
      ])
        .toString()
        .trim()
      expect(signRequest(example.secret, example)).toBe(out)
      // An empty body is signed as the empty string, with the trailing newline kept.
      const emptyOut = execFileSync('python3', [
        '-c',
        python,
        's3cret',
        'DELETE',
        '/api/licenses/x?force=1',
        '1',
        '',
      ])
        .toString()
        .trim()
      expect(
        signRequest('s3cret', {
          method: 'DELETE',
          path: '/api/licenses/x?force=1',
          timestamp: '1',
          body: '',
        }),
      ).toBe(emptyOut)
    },
  )

  it('refuses any change to method, path, query, timestamp or body', () => {
    const sig = signRequest(example.secret, example)
    expect(signatureMatches(example.secret, { ...example, method: 'PUT' }, sig)).toBe(false)
    expect(signatureMatches(example.secret, { ...example, path: example.path + '?a=1' }, sig)).toBe(
      false,
    )
    expect(signatureMatches(example.secret, { ...example, timestamp: '1700000001' }, sig)).toBe(
      false,
    )
    expect(
      signatureMatches(
        example.secret,
        { ...example, body: example.body.replace('10.5', '1.5') },
        sig,
      ),
    ).toBe(false)
    expect(signatureMatches('other', example, sig)).toBe(false)
  })

  it('hashes raw body bytes, so non-ASCII bodies sign as UTF-8', () => {
    const body = '{"name":"Grüße ✓"}'
    const sig = signRequest('k', { ...example, body })
    expect(signRequest('k', { ...example, body: Buffer.from(body, 'utf8') })).toBe(sig)
  })
})
