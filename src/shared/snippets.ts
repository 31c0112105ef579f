/**
 * Ready-to-run integration snippets for one product (the first-run card copies them): they
 * activate a license key (bind this machine) against this server's LicenseCM client API and,
 * in Node, check the answer's RSA-SHA512 signature against the server's public key.
 */
export interface SnippetInput {
  /** The URL apps reach the server on, without a trailing slash. */
  baseUrl: string
  /** The product's UUID (the client API's `product_id`). */
  productId: string
  /** A key to try the snippet with. */
  licenseKey: string
  /** The server's RSA public key (PEM), when it has one. */
  publicKey: string | null
}

export type SnippetLanguage = 'curl' | 'node' | 'python'

const q = (s: string) => JSON.stringify(s)

/** `{ curl, node, python }` for `i`; each prints the server's JSON answer. */
export function integrationSnippets(i: SnippetInput): Record<SnippetLanguage, string> {
  const base = i.baseUrl.replace(/\/+$/, '')
  const body = { license_key: i.licenseKey, product_id: i.productId, hwid: 'my-machine-id' }
  const shellBody = JSON.stringify(body).replace(/'/g, `'\\''`)
  const curl = `curl -sS -X POST ${base}/api/client/activate \\
  -H 'content-type: application/json' \\
  -d '${shellBody}'
`
  const node = `// Node 18+ (save as check.mjs, run: node check.mjs)
import { verify } from 'node:crypto'

const BASE_URL = ${q(base)}
const PRODUCT_ID = ${q(i.productId)}
const PUBLIC_KEY = ${i.publicKey ? `\`${i.publicKey.trim()}\`` : 'null // fetched below'}

const res = await fetch(\`\${BASE_URL}/api/client/activate\`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ license_key: ${q(i.licenseKey)}, product_id: PRODUCT_ID, hwid: 'my-machine-id' }),
})
const answer = await res.json()
if (answer.success && answer.data.signature) {
  const key =
    PUBLIC_KEY ??
    (await (await fetch(\`\${BASE_URL}/api/client/public-key\`)).json()).data.public_key
  const ok = verify(
    'sha512',
    Buffer.from(JSON.stringify(answer.data.data)),
    key,
    Buffer.from(answer.data.signature, 'base64'),
  )
  if (!ok) throw new Error('The answer is not signed by this server')
}
console.log(JSON.stringify(answer))
`
  const python = `# Python 3 (standard library only)
import json, urllib.error, urllib.request

BASE_URL = ${q(base)}
PRODUCT_ID = ${q(i.productId)}
# Verify answer.data.signature (RSA-SHA512 over the JSON text of answer.data.data) with:
PUBLIC_KEY = """${i.publicKey?.trim() ?? ''}"""

req = urllib.request.Request(
    BASE_URL + "/api/client/activate",
    data=json.dumps({"license_key": ${q(i.licenseKey)}, "product_id": PRODUCT_ID, "hwid": "my-machine-id"}).encode(),
    headers={"content-type": "application/json"},
    method="POST",
)
try:
    answer = json.load(urllib.request.urlopen(req))
except urllib.error.HTTPError as e:
    answer = json.load(e)
print(json.dumps(answer))
`
  return { curl, node, python }
}
